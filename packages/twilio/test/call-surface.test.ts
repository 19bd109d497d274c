import { createLocalTrack, type ConnectOptions, type LocalTrack } from '@callport/core'
import { waitForEvent } from '@callport/testkit'
import { describe, expect, it, vi } from 'vitest'
import { twilio } from '../src/client/index'
import { qualityOfLevel } from '../src/client/twilio-local-track'
import { connectAlice, connectOptions, createClientHarness } from './client-harness'
import { FakeMediaStreamTrack } from '@callport/test-environment'
import { FakeLocalMediaTrack, type FakeRemoteMediaTrack } from './fake-twilio-video'
import { rejection } from './rejection'

/** issue 16 on Twilio: local tracks, devices, screen share, active speakers, connection quality, prepare, the vendor object. */

const options = (extra: Partial<ConnectOptions> = {}): ConnectOptions => connectOptions(extra, { audio: false, video: false })

const connected = (extra: Partial<ConnectOptions> = {}, adapterOptions: Parameters<typeof twilio>[0] = {}) => connectAlice(options(extra), adapterOptions)

/** A page's preview track over a fake browser track, as `createLocalTracks` of @callport/client makes it. */
function preview(kind: 'audio' | 'video', deviceId: string): LocalTrack {
  const track = new FakeMediaStreamTrack(kind, `${kind} ${deviceId}`, deviceId) as unknown as MediaStreamTrack
  return createLocalTrack(track, { source: kind === 'video' ? 'camera' : 'microphone', deviceId })
}

const published = (room: Awaited<ReturnType<typeof connected>>['room']) => [...room.localParticipant.audioTracks.values(), ...room.localParticipant.videoTracks.values()]

describe('local tracks', () => {
  it("connect publishes the page's preview tracks as LocalVideoTrack / LocalAudioTrack named by source, and lists the page's own LocalTracks", async () => {
    const camera = preview('video', 'camera-2')
    const microphone = preview('audio', 'microphone-2')
    const { harness, connection, room } = await connected({ audio: true, video: true, tracks: [camera, microphone] })
    const tracks = harness.video.connectCalls[0]!.options!.tracks as unknown as FakeLocalMediaTrack[]
    expect(tracks.map((track) => [track.constructor.name, track.name, track.mediaStreamTrack])).toEqual([
      ['FakeLocalVideoTrack', 'camera', camera.mediaStreamTrack],
      ['FakeLocalAudioTrack', 'microphone', microphone.mediaStreamTrack],
    ])
    expect(published(room)).toHaveLength(2)
    expect(connection.localTracks()).toEqual(expect.arrayContaining([camera, microphone]))
    expect(harness.media.captured, 'nothing captured: the user is not asked twice').toEqual([])
  })

  it('captures what join asks for and the page did not hand over, and stops only that at disconnect', async () => {
    const camera = preview('video', 'camera-1')
    const stop = vi.spyOn(camera.mediaStreamTrack, 'stop')
    const { harness, connection } = await connected({ audio: true, video: true, tracks: [camera] })
    const sources = connection.localTracks().map((track) => [track.source, track.deviceId])
    expect(sources).toEqual(
      expect.arrayContaining([
        ['camera', 'camera-1'],
        ['microphone', 'microphone-1'],
      ]),
    )
    expect(harness.media.captured.map((track) => track.kind)).toEqual(['audio'])
    await connection.disconnect()
    expect(stop).not.toHaveBeenCalled()
    expect(harness.media.captured[0]!.readyState).toBe('ended')
  })

  it("announces connect's tracks with local-track-published after connect resolves (twilio-video emits no trackPublished for them)", async () => {
    const camera = preview('video', 'camera-1')
    const harness = createClientHarness()
    const connection = await twilio({ sdk: harness.video }).connect(await harness.issue('standup', 'alice'), options({ video: true, tracks: [camera] }))
    const [{ track }] = await waitForEvent(connection, 'local-track-published')
    expect(track).toBe(camera)
  })

  it('a camera turned on is local-track-published from trackPublished; turned off it stays published, disabled (the others see track-muted)', async () => {
    const { connection } = await connected()
    const events = vi.fn()
    connection.on('local-track-unpublished', events)
    const publishing = waitForEvent(connection, 'local-track-published')
    await connection.setCameraEnabled(true)
    const [{ track }] = await publishing
    expect(track).toMatchObject({ kind: 'video', source: 'camera', deviceId: 'camera-1' })
    await connection.setCameraEnabled(false)
    expect(connection.localTracks()).toEqual([track])
    expect(track.mediaStreamTrack.enabled).toBe(false)
    expect(events).not.toHaveBeenCalled()
  })
})

describe('switchDevice', () => {
  it('captures the chosen camera first, then publishes it in place of the old one, keeping it disabled when it was, and says so', async () => {
    const { harness, connection, room } = await connected({ video: true })
    const bob = await harness.joinRemote('standup', 'bob')
    const [old] = published(room)
    await connection.setCameraEnabled(false)
    const unpublished = waitForEvent(connection, 'local-track-unpublished')
    const changed = waitForEvent(connection, 'active-device-changed')
    await connection.switchDevice('camera', 'camera-2')
    expect((await changed)[0]).toEqual({ kind: 'camera', deviceId: 'camera-2', reason: 'switched' })
    expect((await unpublished)[0].track.id).toBe(old!.track.id)
    expect(old!.track.isStopped).toBe(true)
    const [now] = published(room)
    expect(now!.track).toMatchObject({ name: 'camera', isEnabled: false })
    expect(connection.localTracks().map((track) => track.deviceId)).toEqual(['camera-2'])
    // The others see the old track go and the new one come (twilio-video cannot swap a MediaStreamTrack it did not capture).
    await vi.waitFor(() => {
      const videos = [...[...bob.room.participants.values()][0]!.tracks.values()].filter((track) => track.kind === 'video')
      expect(videos.map((track) => track.sid)).toEqual([now!.trackSid])
    })
  })

  it("never stops the page's preview track it replaces", async () => {
    const camera = preview('video', 'camera-1')
    const stop = vi.spyOn(camera.mediaStreamTrack, 'stop')
    const { connection } = await connected({ video: true, tracks: [camera] })
    await connection.switchDevice('camera', 'camera-2')
    expect(stop).not.toHaveBeenCalled()
    expect(connection.localTracks()).not.toContain(camera)
  })

  it('an unknown device is DEVICE_NOT_FOUND and the current one keeps running; the speaker is the session’s (UNSUPPORTED)', async () => {
    const { connection, room } = await connected({ audio: true })
    const [current] = published(room)
    expect(await rejection(connection.switchDevice('microphone', 'gone'))).toMatchObject({ code: 'DEVICE_NOT_FOUND', provider: 'twilio' })
    expect(published(room)).toEqual([current])
    expect(current!.track.isStopped).toBe(false)
    expect((await rejection(connection.switchDevice('speaker', 'default'))).code).toBe('UNSUPPORTED')
  })

  it('a device in use elsewhere is DEVICE_IN_USE (NotReadableError, through core’s toMediaError)', async () => {
    const { harness, connection } = await connected({ audio: true })
    harness.media.failNext('NotReadableError')
    expect((await rejection(connection.switchDevice('microphone', 'microphone-2'))).code).toBe('DEVICE_IN_USE')
  })

  it('an unplugged microphone falls back to the default device with active-device-changed (unplugged)', async () => {
    const { harness, connection } = await connected({ audio: true })
    await connection.switchDevice('microphone', 'microphone-2')
    const changed = waitForEvent(connection, 'active-device-changed')
    harness.publishedFrom('standup', 'alice', 'microphone-2')!.unplug()
    expect((await changed)[0]).toEqual({ kind: 'microphone', deviceId: 'default', reason: 'unplugged' })
    expect(connection.localTracks().map((track) => track.deviceId)).toEqual(['microphone-1'])
  })
})

describe('screen share', () => {
  it("publishes the display's tracks named screen / screen-audio, which the others read as sources screen / screen-audio", async () => {
    const { harness, connection } = await connected()
    const bob = twilio({ sdk: harness.video })
    const other = await bob.connect(await harness.issue('standup', 'bob'), options())
    const sources: string[] = []
    other.on('track-subscribed', ({ track }) => sources.push(track.source))
    await connection.setScreenShareEnabled(true, { audio: true })
    await vi.waitFor(() => expect(sources.sort()).toEqual(['screen', 'screen-audio']))
    expect(connection.localTracks().map((track) => track.source)).toEqual(['screen', 'screen-audio'])
    await connection.setScreenShareEnabled(true)
    expect(harness.media.captured, 'sharing already: nothing more is captured').toHaveLength(2)
  })

  it("the browser's Stop sharing unpublishes the share (local-track-unpublished) and the adapter stops its audio", async () => {
    const { harness, connection } = await connected()
    await connection.setScreenShareEnabled(true, { audio: true })
    const unpublished: string[] = []
    connection.on('local-track-unpublished', ({ track }) => unpublished.push(track.source))
    const [screen, audio] = harness.media.captured
    screen!.unplug()
    expect(unpublished).toEqual(['screen', 'screen-audio'])
    expect(audio!.readyState).toBe('ended')
    expect(connection.localTracks()).toEqual([])
  })

  it('a user who cancels the picker is PERMISSION_DENIED', async () => {
    const { harness, connection } = await connected()
    harness.media.failNext('NotAllowedError')
    expect(await rejection(connection.setScreenShareEnabled(true))).toMatchObject({ code: 'PERMISSION_DENIED', provider: 'twilio' })
    expect(connection.localTracks()).toEqual([])
  })
})

describe('active speakers', () => {
  it('dominantSpeakerChanged is the one active speaker (level 1), null is nobody; only on change', async () => {
    const { harness, connection } = await connected()
    await harness.joinRemote('standup', 'bob')
    const events: string[][] = []
    connection.on('active-speakers-changed', ({ speakers }) => {
      events.push(speakers.map((speaker) => `${speaker.participant.identity}:${speaker.level}`))
    })
    harness.cloud.setDominantSpeaker('standup', 'bob')
    harness.cloud.setDominantSpeaker('standup', null)
    expect(events).toEqual([['bob:1'], []])
  })

  it('the dominant speaker who leaves is no longer one', async () => {
    const { harness, connection } = await connected()
    const bob = await harness.joinRemote('standup', 'bob')
    harness.cloud.setDominantSpeaker('standup', 'bob')
    const silent = waitForEvent(connection, 'active-speakers-changed')
    await bob.leave()
    expect((await silent)[0].speakers).toEqual([])
  })

  it('connectOptions { dominantSpeaker: false } turns Dominant Speaker Detection off', async () => {
    const { harness, connection } = await connected({}, { connectOptions: { dominantSpeaker: false } })
    await harness.joinRemote('standup', 'bob')
    const events = vi.fn()
    connection.on('active-speakers-changed', events)
    harness.cloud.setDominantSpeaker('standup', 'bob')
    expect(events).not.toHaveBeenCalled()
  })
})

describe('connection quality', () => {
  it('maps Twilio levels: 5/4 excellent, 3 good, 2/1 poor, 0 lost, null none', () => {
    expect([5, 4, 3, 2, 1, 0, null].map(qualityOfLevel)).toEqual(['excellent', 'excellent', 'good', 'poor', 'poor', 'lost', undefined])
  })

  it('networkQualityLevelChanged of the local and remote participants, each only when the quality changes', async () => {
    const { harness, connection } = await connected()
    await harness.joinRemote('standup', 'bob')
    const events: string[] = []
    connection.on('connection-quality-changed', ({ participant, local, quality }) => events.push(`${participant.identity}:${local}:${quality}`))
    for (const level of [5, 4, 3, 1, 2, 0]) harness.cloud.setNetworkQuality('standup', 'alice', level)
    harness.cloud.setNetworkQuality('standup', 'bob', 2)
    expect(events).toEqual(['alice:true:excellent', 'alice:true:good', 'alice:true:poor', 'alice:true:lost', 'bob:false:poor'])
  })

  it('stops listening to a participant who left', async () => {
    const { harness, room } = await connected()
    const bob = await harness.joinRemote('standup', 'bob')
    const remote = [...room.participants.values()][0]!
    expect(remote.listenerCount('networkQualityLevelChanged')).toBe(1)
    await bob.leave()
    expect(remote.listenerCount('networkQualityLevelChanged')).toBe(0)
  })
})

describe('prepare and the vendor object', () => {
  it('prepare loads twilio-video through the loader and joins nothing; connect then needs no other load', async () => {
    const harness = createClientHarness()
    const loader = vi.fn(async () => harness.video)
    const adapter = twilio({ sdk: loader })
    await adapter.prepare!(undefined)
    expect(loader).toHaveBeenCalledTimes(1)
    await adapter.prepare!(await harness.issue('standup', 'alice'))
    expect(harness.video.connectCalls).toEqual([])
  })

  it('prepare without twilio-video is UNSUPPORTED, naming both ways to give it', async () => {
    expect(await rejection(twilio().prepare!(undefined))).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/sdk option.*CDN/) })
  })

  it('vendor is the twilio-video Room', async () => {
    const { connection, room } = await connected()
    expect(connection.vendor).toBe(room)
  })

  it('remote tracks attach through twilio-video, and detach gives the elements back', async () => {
    const { harness, connection } = await connected()
    const bob = await harness.joinRemote('standup', 'bob')
    const subscribed = waitForEvent(connection, 'track-subscribed')
    await bob.publish('audio', 'microphone')
    const [{ track, raw }] = await subscribed
    const element = track.attach()
    expect((raw as { track: FakeRemoteMediaTrack }).track.attached.has(element)).toBe(true)
    expect(track.detach()).toEqual([element])
  })
})

// Keep the fake's own classes honest where the adapter relies on twilio-video's behaviour.
describe('the fake twilio-video', () => {
  it('a LocalTrack emits stopped once, on stop() or on its MediaStreamTrack ending', () => {
    const stopped = vi.fn()
    const track = new FakeLocalMediaTrack('video').on('stopped', stopped)
    ;(track.mediaStreamTrack as unknown as FakeMediaStreamTrack).unplug()
    track.stop()
    expect(stopped).toHaveBeenCalledTimes(1)
    expect(track.isStopped).toBe(true)
  })
})
