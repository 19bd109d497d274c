import type { ConnectionEvents } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { RemoteMember, type MemberEvents } from '../../src/client/remote-member'

const fakeTrack = (kind: 'audio' | 'video', id: string) => ({ kind, id }) as MediaStreamTrack

type Logged = { name: keyof ConnectionEvents; event: ConnectionEvents[keyof ConnectionEvents][0] }

function setup(props: Record<string, unknown> = {}) {
  const log: string[] = []
  const events: Logged[] = []
  const emitter: MemberEvents = {
    emit: (name, ...args) => {
      const [event] = args as [Logged['event']]
      log.push('track' in event ? `${name} ${event.track.source} ${event.track.id}` : `${name} ${'participant' in event ? (event.participant?.name ?? '') : ''}`)
      events.push({ name, event })
      return true
    },
  }
  const remote = new RemoteMember({ id: 'm1', name: 'grace', role: 'publisher', join_props: props }, emitter)
  return { remote, log, events }
}

describe('RemoteMember tracks', () => {
  it('subscribes a received track; a camera turned off is muted, not unsubscribed', () => {
    const { remote, log, events } = setup({ audio: true, video: true, stream: 's1' })
    const camera = fakeTrack('video', 'cam-1')
    remote.setReceived(camera, 's1', true, 'ontrack')
    expect(log).toEqual(['track-subscribed camera cam-1'])
    expect(events[0]?.event).toMatchObject({ participant: { identity: 'grace' }, track: { kind: 'video', source: 'camera', mediaStreamTrack: camera }, raw: 'ontrack' })
    remote.setProps({ video: false }, 'props-off')
    remote.setProps({ video: true }, 'props-on')
    expect(log).toEqual(['track-subscribed camera cam-1', 'track-muted camera cam-1', 'track-unmuted camera cam-1'])
    expect(events[1]?.event.raw).toBe('props-off')
    expect(remote.tracks().map((track) => track.mediaStreamTrack)).toEqual([camera])
  })

  it('a track received while its kind is off is subscribed, then muted', () => {
    const { remote, log } = setup({ audio: false, stream: 's1' })
    remote.setReceived(fakeTrack('audio', 'mic-1'), 's1', true, undefined)
    expect(log).toEqual(['track-subscribed microphone mic-1', 'track-muted microphone mic-1'])
    remote.setProps({ audio: true }, undefined)
    expect(log.at(-1)).toBe('track-unmuted microphone mic-1')
  })

  it('tells a screen share from the camera by the stream its props name; the share ending unsubscribes it', () => {
    const { remote, log } = setup({ stream: 's1', screen: '' })
    remote.setReceived(fakeTrack('video', 'cam-1'), 's1', true, undefined)
    remote.setProps({ screen: 's2' }, undefined)
    remote.setReceived(fakeTrack('video', 'scr-1'), 's2', true, undefined)
    remote.setReceived(fakeTrack('audio', 'scr-a'), 's2', true, undefined)
    expect(log).toEqual(['track-subscribed camera cam-1', 'track-subscribed screen scr-1', 'track-subscribed screen-audio scr-a'])
    remote.setProps({ screen: '' }, undefined)
    expect(log.slice(3)).toEqual(['track-unsubscribed screen scr-1', 'track-unsubscribed screen-audio scr-a'])
    expect(remote.tracks().map((track) => track.source)).toEqual(['camera'])
    // Shared again in the same stream: the same receivers' tracks come back.
    remote.setProps({ screen: 's2' }, undefined)
    expect(log.slice(5)).toEqual(['track-subscribed screen scr-1', 'track-subscribed screen-audio scr-a'])
  })

  it('a member naming no stream (an older client) sends camera and microphone in any stream', () => {
    const { remote, log } = setup()
    remote.setReceived(fakeTrack('video', 'cam-1'), undefined, true, undefined)
    expect(log).toEqual(['track-subscribed camera cam-1'])
  })

  it('replaces a track by a newer one and unsubscribes everything on close', () => {
    const { remote, log } = setup()
    remote.setReceived(fakeTrack('video', 'cam-1'), undefined, true, undefined)
    remote.setReceived(fakeTrack('video', 'cam-2'), undefined, true, undefined)
    remote.setReceived(fakeTrack('audio', 'mic-1'), undefined, true, undefined)
    remote.close(undefined)
    expect(log).toEqual([
      'track-subscribed camera cam-1',
      'track-unsubscribed camera cam-1',
      'track-subscribed camera cam-2',
      'track-subscribed microphone mic-1',
      'track-unsubscribed camera cam-2',
      'track-unsubscribed microphone mic-1',
    ])
    expect(remote.tracks()).toEqual([])
  })

  it('emits participant-updated when the name or metadata changes, not for media props', () => {
    const { remote, log } = setup({ display_name: 'Grace' })
    remote.setProps({ audio: false }, undefined)
    remote.setProps({ display_name: 'Grace H.' }, undefined)
    remote.setProps({ metadata: { hand: true } }, undefined)
    remote.setProps({ metadata: { hand: true } }, undefined)
    expect(log).toEqual(['participant-updated Grace H.', 'participant-updated Grace H.'])
    expect(remote.participant).toMatchObject({ name: 'Grace H.', metadata: { hand: true } })
  })
})
