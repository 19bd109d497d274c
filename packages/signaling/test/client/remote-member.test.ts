import type { TrackEvent } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { RemoteMember } from '../../src/client/remote-member'

const fakeTrack = (kind: 'audio' | 'video', id: string) => ({ kind, id }) as MediaStreamTrack

function setup(props: { audio?: boolean; video?: boolean } = {}) {
  const log: string[] = []
  const events: TrackEvent[] = []
  const remote = new RemoteMember({ id: 'm1', name: 'grace', role: 'publisher', join_props: props }, (name, event) => {
    log.push(`${name} ${event.track.kind} ${event.track.id}`)
    events.push(event)
  })
  return { remote, log, events }
}

describe('RemoteMember tracks', () => {
  it('subscribes a received track while the member announces that kind as enabled', () => {
    const { remote, log, events } = setup({ audio: true, video: true })
    const camera = fakeTrack('video', 'cam-1')
    remote.setReceived('video', camera, 'ontrack')
    expect(log).toEqual(['track-subscribed video cam-1'])
    expect(events[0]).toMatchObject({ participant: { identity: 'grace' }, track: { kind: 'video', source: 'camera', mediaStreamTrack: camera }, raw: 'ontrack' })
    remote.setProps({ video: false }, 'props-off')
    remote.setProps({ video: true }, 'props-on')
    expect(log).toEqual(['track-subscribed video cam-1', 'track-unsubscribed video cam-1', 'track-subscribed video cam-1'])
    expect(events[1]?.raw).toBe('props-off')
    expect(remote.tracks().map((track) => track.mediaStreamTrack)).toEqual([camera])
  })

  it('waits for the announcement when the track arrives while the kind is off', () => {
    const { remote, log } = setup({ audio: false })
    remote.setReceived('audio', fakeTrack('audio', 'mic-1'), undefined)
    expect(log).toEqual([])
    remote.setProps({ audio: true }, undefined)
    expect(log).toEqual(['track-subscribed audio mic-1'])
  })

  it('replaces a track by a newer one and unsubscribes everything on close', () => {
    const { remote, log } = setup()
    remote.setReceived('video', fakeTrack('video', 'cam-1'), undefined)
    remote.setReceived('video', fakeTrack('video', 'cam-2'), undefined)
    remote.setReceived('audio', fakeTrack('audio', 'mic-1'), undefined)
    remote.close(undefined)
    expect(log).toEqual([
      'track-subscribed video cam-1',
      'track-unsubscribed video cam-1',
      'track-subscribed video cam-2',
      'track-subscribed audio mic-1',
      'track-unsubscribed audio mic-1',
      'track-unsubscribed video cam-2',
    ])
    expect(remote.tracks()).toEqual([])
  })
})
