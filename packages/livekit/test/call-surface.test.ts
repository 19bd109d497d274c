import type { LocalTrack } from '@callport/core'
import type { FakeMediaStreamTrack } from '@callport/test-environment'
import { expectCallportError, waitForEvent } from '@callport/testkit'
import { ConnectionQuality } from 'livekit-client'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { livekit } from '../src/client/index'
import { createClientHarness, createCloud, type ClientHarness } from './client-harness'
import { connectAlice, joinOptions, preview, waitFor } from './client-connect'

/** issue 16 on LiveKit: local tracks, devices, screen share, active speakers, connection quality, prepare, the vendor object. */

const cloud = createCloud()
beforeAll(() => cloud.start())
afterAll(() => cloud.stop())

/** The local publications of a Room: source → the MediaStreamTrack published. */
const publishedOf = (room: ClientHarness['sdk']['rooms'][number]) =>
  Object.fromEntries(room.localParticipant.getTrackPublications().map((publication) => [publication.source, publication.track?.mediaStreamTrack]))

describe('local tracks', () => {
  it("connect publishes the page's preview tracks as they are, under their sources, and lists the page's own LocalTracks", async () => {
    const camera = preview('video', 'camera-2')
    const microphone = preview('audio', 'microphone-2')
    const { harness, connection, room } = await connectAlice(cloud, { audio: true, video: true, tracks: [camera, microphone] })
    expect(publishedOf(room)).toEqual({ camera: camera.mediaStreamTrack, microphone: microphone.mediaStreamTrack })
    expect(connection.localTracks()).toEqual(expect.arrayContaining([camera, microphone]))
    expect(harness.media.captured, 'nothing captured: the user is not asked twice').toEqual([])
    await connection.disconnect()
  })

  it('captures what join asks for and the page did not hand over, and stops only that at disconnect', async () => {
    const camera = preview('video', 'camera-1')
    const stop = vi.spyOn(camera.mediaStreamTrack, 'stop')
    const { harness, connection } = await connectAlice(cloud, { audio: true, video: true, tracks: [camera] })
    expect(connection.localTracks().map((track) => [track.source, track.deviceId])).toEqual(
      expect.arrayContaining([
        ['camera', 'camera-1'],
        ['microphone', 'microphone-1'],
      ]),
    )
    expect(harness.media.captured.map((track) => track.kind)).toEqual(['audio'])
    await connection.setCameraEnabled(false)
    await connection.disconnect()
    expect(stop).not.toHaveBeenCalled()
    expect(camera.mediaStreamTrack.readyState).toBe('live')
    expect(harness.media.captured[0]!.readyState).toBe('ended')
  })

  it("announces connect's tracks with local-track-published after connect resolves", async () => {
    const camera = preview('video', 'camera-1')
    const { connection } = await connectAlice(cloud, { video: true, tracks: [camera] })
    const [{ track }] = await waitForEvent(connection, 'local-track-published')
    expect(track).toBe(camera)
    await connection.disconnect()
  })

  it('a camera turned on is local-track-published; turned off it stays published, muted (the others see track-muted)', async () => {
    const { harness, connection } = await connectAlice(cloud)
    const bob = await harness.joinRemote('standup', 'bob')
    const published = waitForEvent(connection, 'local-track-published')
    await connection.setCameraEnabled(true)
    const [{ track }] = await published
    expect(track).toMatchObject({ kind: 'video', source: 'camera', deviceId: 'camera-1' })
    const muted = new Promise((resolve) => bob.room.once('trackMuted', resolve))
    const unpublished = vi.fn()
    connection.on('local-track-unpublished', unpublished)
    await connection.setCameraEnabled(false)
    await muted
    expect(connection.localTracks()).toContain(track)
    expect(unpublished).not.toHaveBeenCalled()
    await connection.disconnect()
    await bob.leave()
  })
})

describe('switchDevice', () => {
  it('switches the published camera with switchActiveDevice and says so; the new device is captured from', async () => {
    const { harness, connection, room } = await connectAlice(cloud, { video: true })
    const changed = waitForEvent(connection, 'active-device-changed')
    await connection.switchDevice('camera', 'camera-2')
    expect((await changed)[0]).toMatchObject({ kind: 'camera', deviceId: 'camera-2', reason: 'switched' })
    expect(connection.localTracks().find((track) => track.source === 'camera')?.deviceId).toBe('camera-2')
    expect(room.getActiveDevice('videoinput')).toBe('camera-2')
    expect(harness.media.captured.map((track) => [track.deviceId, track.readyState])).toEqual([
      ['camera-1', 'ended'],
      ['camera-2', 'live'],
    ])
    await connection.disconnect()
  })

  it("never stops the page's preview track it replaces: unpublished, kept running, a capture of the new device in its place (muted when it was)", async () => {
    const camera = preview('video', 'camera-1')
    const { connection, room } = await connectAlice(cloud, { video: true, tracks: [camera] })
    await connection.setCameraEnabled(false)
    const unpublished = waitForEvent(connection, 'local-track-unpublished')
    await connection.switchDevice('camera', 'camera-2')
    expect((await unpublished)[0].track).toBe(camera)
    expect(camera.mediaStreamTrack.readyState).toBe('live')
    const now = connection.localTracks().find((track) => track.source === 'camera')
    expect(now).toMatchObject({ deviceId: 'camera-2' })
    expect(room.localParticipant.getTrackPublication('camera' as never)?.isMuted).toBe(true)
    await connection.disconnect()
    expect(camera.mediaStreamTrack.readyState).toBe('live')
  })

  it('an unknown device is DEVICE_NOT_FOUND and the current one keeps running; the speaker is the session’s (UNSUPPORTED)', async () => {
    const { harness, connection } = await connectAlice(cloud, { audio: true })
    await expectCallportError(connection.switchDevice('microphone', 'no-such-microphone'), ['DEVICE_NOT_FOUND'])
    expect(harness.media.captured.map((track) => track.readyState)).toEqual(['live'])
    await expectCallportError(connection.switchDevice('speaker', 'speaker-1'), ['UNSUPPORTED'])
    await connection.disconnect()
    await expectCallportError(connection.switchDevice('camera', 'camera-2'), ['CONNECTION_FAILED'])
  })

  it('a device in use elsewhere is DEVICE_IN_USE (NotReadableError, through core’s toMediaError)', async () => {
    const { harness, connection } = await connectAlice(cloud, { video: true })
    harness.media.failNext('NotReadableError')
    await expectCallportError(connection.switchDevice('camera', 'camera-2'), ['DEVICE_IN_USE'])
    await connection.disconnect()
  })

  for (const kind of ['camera', 'microphone'] as const) {
    it(`an unplugged ${kind} falls back to the first device the browser lists, with active-device-changed (unplugged)`, async () => {
      const { harness, connection } = await connectAlice(cloud, { audio: kind === 'microphone', video: kind === 'camera' })
      await connection.switchDevice(kind, `${kind}-2`)
      const changed = waitForEvent(connection, 'active-device-changed', { filter: (event) => event.reason === 'unplugged' })
      harness.media.devices = harness.media.devices.filter((device) => device.deviceId !== `${kind}-2`)
      harness.publishedFrom('standup', 'alice', `${kind}-2`)!.unplug()
      expect((await changed)[0]).toMatchObject({ kind, deviceId: `${kind}-1` })
      await waitFor(() => expect(connection.localTracks().find((track) => track.source === kind)?.deviceId).toBe(`${kind}-1`))
      await connection.disconnect()
    })
  }
  it('an unplugged page camera is replaced by a capture of the first listed device, turned on as it was', async () => {
    const camera = preview('video', 'camera-2')
    const { harness, connection, room } = await connectAlice(cloud, { video: true, tracks: [camera] })
    const changed = waitForEvent(connection, 'active-device-changed')
    harness.media.devices = harness.media.devices.filter((device) => device.deviceId !== 'camera-2')
    ;(camera.mediaStreamTrack as unknown as FakeMediaStreamTrack).unplug()
    expect((await changed)[0]).toMatchObject({ kind: 'camera', deviceId: 'camera-1', reason: 'unplugged' })
    expect(connection.localTracks().map((track) => [track.source, track.deviceId])).toEqual([['camera', 'camera-1']])
    expect(room.localParticipant.getTrackPublication('camera' as never)?.isMuted).toBe(false)
    await connection.disconnect()
  })

  it('an unplugged microphone the participant had muted falls back muted (livekit-client captures from the new device when it is turned on)', async () => {
    const { harness, connection, room } = await connectAlice(cloud, { audio: true })
    await connection.setMicrophoneEnabled(false)
    const moderated = vi.fn()
    connection.on('muted-by-moderator', moderated)
    const changed = waitForEvent(connection, 'active-device-changed')
    harness.media.devices = harness.media.devices.filter((device) => device.deviceId !== 'microphone-1')
    harness.publishedFrom('standup', 'alice', 'microphone-1')!.unplug()
    expect((await changed)[0]).toMatchObject({ kind: 'microphone', deviceId: 'microphone-2', reason: 'unplugged' })
    expect(room.localParticipant.getTrackPublication('microphone' as never)?.isMuted).toBe(true)
    expect(room.options.audioCaptureDefaults?.deviceId).toEqual({ exact: 'microphone-2' })
    expect(moderated).not.toHaveBeenCalled()
    await connection.disconnect()
  })
})

describe('screen share', () => {
  it('publishes screen_share and screen_share_audio, which the others read as screen / screen-audio; false unpublishes and stops them', async () => {
    const { harness, connection, room } = await connectAlice(cloud)
    const bob = await harness.joinRemote('standup', 'bob')
    const published: LocalTrack[] = []
    connection.on('local-track-published', ({ track }) => published.push(track))
    await connection.setScreenShareEnabled(true, { audio: true })
    expect(published.map((track) => `${track.kind} ${track.source}`).sort()).toEqual(['audio screen-audio', 'video screen'])
    expect(Object.keys(publishedOf(room)).sort()).toEqual(['screen_share', 'screen_share_audio'])
    const unpublished: LocalTrack[] = []
    connection.on('local-track-unpublished', ({ track }) => unpublished.push(track))
    await connection.setScreenShareEnabled(false)
    await waitFor(() => expect(unpublished).toHaveLength(2))
    expect(harness.media.captured.map((track) => track.readyState)).toEqual(['ended', 'ended'])
    expect(connection.localTracks()).toEqual([])
    await connection.disconnect()
    await bob.leave()
  })

  it("the browser's Stop sharing unpublishes the share (local-track-unpublished)", async () => {
    const { harness, connection } = await connectAlice(cloud)
    await connection.setScreenShareEnabled(true)
    const unpublished = waitForEvent(connection, 'local-track-unpublished')
    harness.media.captured[0]!.unplug()
    expect((await unpublished)[0].track.source).toBe('screen')
    await connection.disconnect()
  })

  it('a user who cancels the picker is PERMISSION_DENIED', async () => {
    const { harness, connection } = await connectAlice(cloud)
    harness.media.failNext('NotAllowedError')
    await expectCallportError(connection.setScreenShareEnabled(true), ['PERMISSION_DENIED'])
    await connection.disconnect()
  })
})

describe('active speakers and connection quality', () => {
  it("LiveKit's speakers with their audioLevel, loudest first, the local participant included; nobody is an empty list", async () => {
    const { harness, connection } = await connectAlice(cloud)
    const bob = await harness.joinRemote('standup', 'bob')
    const carol = await harness.joinRemote('standup', 'carol')
    const changes: Array<Array<[string, number]>> = []
    connection.on('active-speakers-changed', ({ speakers }) => changes.push(speakers.map((speaker) => [speaker.participant.identity, speaker.level])))
    await bob.setSpeaking(0.3)
    await carol.setSpeaking(0.9)
    harness.cloud.setSpeaking('standup', 'alice', 0.5)
    await waitFor(() =>
      expect(changes.at(-1)).toEqual([
        ['carol', 0.9],
        ['alice', 0.5],
        ['bob', 0.3],
      ]),
    )
    for (const identity of ['alice', 'bob', 'carol']) harness.cloud.setSpeaking('standup', identity, 0)
    await waitFor(() => expect(changes.at(-1)).toEqual([]))
    await connection.disconnect()
    await bob.leave()
    await carol.leave()
  })

  it('connectionQualityChanged of the local and remote participants; unknown gives no event', async () => {
    const { harness, connection } = await connectAlice(cloud)
    const bob = await harness.joinRemote('standup', 'bob')
    const seen: string[] = []
    connection.on('connection-quality-changed', (event) => seen.push(`${event.participant.identity} ${String(event.local)} ${event.quality}`))
    await bob.setConnectionQuality('poor')
    harness.cloud.setConnectionQuality('standup', 'alice', ConnectionQuality.Good)
    harness.cloud.setConnectionQuality('standup', 'bob', ConnectionQuality.Unknown)
    await bob.setConnectionQuality('lost')
    await waitFor(() => expect(seen).toEqual(['bob false poor', 'alice true good', 'bob false lost']))
    await connection.disconnect()
    await bob.leave()
  })
})

describe('prepare and the vendor object', () => {
  it('prepare(undefined) loads livekit-client through the loader and makes no Room; prepare(token) makes the Room and warms it with prepareConnection; connect with that token uses it', async () => {
    const harness = createClientHarness(cloud)
    const loader = vi.fn(async () => harness.sdk)
    const adapter = livekit({ sdk: loader })
    await adapter.prepare(undefined)
    expect(loader).toHaveBeenCalledTimes(1)
    expect(harness.sdk.rooms).toEqual([])
    const token = await harness.issue('standup', 'alice')
    await adapter.prepare(token)
    await adapter.prepare(token)
    expect(harness.sdk.rooms).toHaveLength(1)
    const [prepared] = harness.sdk.rooms
    expect(prepared!.prepared).toEqual([{ url: token.connect.url, token: token.value }])
    const connection = await adapter.connect(token, joinOptions())
    expect(connection.vendor).toBe(prepared)
    expect(harness.sdk.rooms).toHaveLength(1)
    await connection.disconnect()
    const again = await adapter.connect(token, joinOptions())
    expect(again.vendor, 'the prepared Room is used once').not.toBe(prepared)
    await again.disconnect()
  })

  it('a prepared Room for another token is not used; a failing prepareConnection is only a missed head start', async () => {
    const harness = createClientHarness(cloud)
    const adapter = livekit({ sdk: harness.sdk })
    await adapter.prepare(await harness.issue('standup', 'alice'))
    const failing = harness.sdk.rooms[0]!
    vi.spyOn(failing, 'prepareConnection').mockRejectedValue(new Error('HEAD failed'))
    const other = await harness.issue('standup', 'bob')
    await adapter.prepare(other)
    const connection = await adapter.connect(other, joinOptions())
    expect(connection.vendor).toBe(harness.sdk.rooms[1])
    await connection.disconnect()
  })

  it('prepare without livekit-client is UNSUPPORTED, naming both ways to give it', async () => {
    const error = await expectCallportError(livekit().prepare(undefined), ['UNSUPPORTED'])
    expect(error.message).toContain('window.LivekitClient')
  })

  it('remote tracks attach through livekit-client; detach gives back the elements the app attached, in the track-unsubscribed listener too', async () => {
    const { harness, connection } = await connectAlice(cloud)
    const bob = await harness.joinRemote('standup', 'bob')
    const subscribed = waitForEvent(connection, 'track-subscribed')
    await bob.setCameraEnabled(true)
    const [{ track }] = await subscribed
    const element = { tagName: 'VIDEO', srcObject: null, play: () => Promise.resolve() } as unknown as HTMLMediaElement
    expect(track.attach(element)).toBe(element)
    const raw = (await subscribed)[0].raw as { track: { attachedElements: HTMLMediaElement[] } }
    expect(raw.track.attachedElements).toContain(element)
    expect(track.detach(preview('video', 'camera-1') as unknown as HTMLMediaElement)).toEqual([])
    let inListener: HTMLMediaElement[] = []
    connection.on('track-unsubscribed', (event) => (inListener = event.track.detach()))
    await bob.setCameraEnabled(false)
    await waitFor(() => expect(inListener).toEqual([element]))
    expect(track.detach()).toEqual([])
    await connection.disconnect()
    await bob.leave()
  })
})
