import type { ClientConnection, LocalTrack, TrackEvent } from '@callport/core'
import { waitForEvent } from '@callport/testkit'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { SignalingConnection } from '../../src/client/index'
import { fakeDevices, fakeLocalTrack, fakeWebrtc, type FakeTrack } from './fake-webrtc'
import { uniqueRoom, useSignaling } from './harness'

// The call surface of the signaling client in Node, between two clients through the real signaling
// server, with the in-process WebRTC stand-in (fake-webrtc.ts). Real media: test/browser/call-surface.test.ts.
const harness = useSignaling()
beforeAll(async () => {
  await harness.start()
})

async function join(room: string, identity: string, options: { audio?: boolean; video?: boolean; tracks?: LocalTrack[] } = {}, webrtc = fakeWebrtc()) {
  const connection = (await harness.connect({ room, identity }, { webrtc }, { audio: false, video: false, ...options })) as SignalingConnection
  return { connection, webrtc }
}

/** Resolves with the first `track-subscribed` of `connection` whose track has `source`. */
const subscribed = (connection: ClientConnection, source: string) =>
  waitForEvent(connection, 'track-subscribed', { timeoutMilliseconds: 3000, filter: (event) => event.track.source === source }).then(([event]) => event)

const serverSocketOf = (identity: string) => [...harness.server!.io.sockets.sockets.values()].find((socket) => socket.handshake.query.username === identity)

describe('local tracks', () => {
  it('publishes the preview tracks handed to connect, captures only the missing kind, and never stops the page’s tracks', async () => {
    const room = uniqueRoom('preview')
    const camera = fakeLocalTrack('video')
    const stop = vi.spyOn(camera.mediaStreamTrack, 'stop')
    const { connection, webrtc } = await join(room, 'ada', { audio: true, video: true, tracks: [camera] })
    expect(webrtc.calls.getUserMedia).toEqual([{ audio: true, video: false }])
    expect(
      connection
        .localTracks()
        .map((track) => track.source)
        .sort(),
    ).toEqual(['camera', 'microphone'])
    expect(connection.localTracks().find((track) => track.source === 'camera')).toBe(camera)

    const { connection: bob } = await join(room, 'bob')
    const remoteCamera = await subscribed(bob, 'camera')
    expect(remoteCamera.track.id).toBe(camera.mediaStreamTrack.id)

    // Off: the page's camera is no longer sent (not stopped); on again: the same track, no capture.
    const unpublished = waitForEvent(connection, 'local-track-unpublished')
    await connection.setCameraEnabled(false)
    expect((await unpublished)[0].track).toBe(camera)
    const published = waitForEvent(connection, 'local-track-published')
    await connection.setCameraEnabled(true)
    expect((await published)[0].track).toBe(camera)
    expect(webrtc.calls.getUserMedia).toHaveLength(1)
    await connection.disconnect()
    expect(stop).not.toHaveBeenCalled()
    expect(camera.mediaStreamTrack.readyState).toBe('live')
  })
})

describe('devices', () => {
  it('switchDevice re-captures from the device and replaces the sent track without renegotiating; while the camera is off it is remembered', async () => {
    const room = uniqueRoom('switch')
    const { connection, webrtc } = await join(room, 'ada', { video: true })
    const { connection: bob } = await join(room, 'bob')
    const first = await subscribed(bob, 'camera')
    const old = connection.localTracks()[0]!
    const changed = waitForEvent(connection, 'active-device-changed')
    await connection.switchDevice('camera', fakeDevices.video[1])
    expect((await changed)[0]).toMatchObject({ kind: 'camera', deviceId: fakeDevices.video[1], reason: 'switched' })
    expect(old.mediaStreamTrack.readyState).toBe('ended')
    expect(connection.localTracks()[0]?.deviceId).toBe(fakeDevices.video[1])
    const sender = [...connection.vendor.peerConnections.values()][0]!.getSenders()[0]!
    expect(sender.track).toBe(connection.localTracks()[0]?.mediaStreamTrack)
    // The remote keeps its track: replaceTrack sends on the same transceiver.
    expect(bob.participants()).toHaveLength(1)
    expect(first.track.mediaStreamTrack?.readyState).toBe('live')

    await connection.setCameraEnabled(false)
    await connection.switchDevice('camera', fakeDevices.video[0])
    await connection.setCameraEnabled(true)
    expect(webrtc.calls.getUserMedia.at(-1)).toEqual({ audio: false, video: { deviceId: { exact: fakeDevices.video[0] } } })
    await expect(connection.switchDevice('speaker', 'x')).rejects.toMatchObject({ code: 'UNSUPPORTED' })
  })

  it('an unplugged camera falls back to the default device', async () => {
    const { connection, webrtc } = await join(uniqueRoom('unplug'), 'ada', { video: true })
    await connection.switchDevice('camera', fakeDevices.video[1])
    const unplugged = waitForEvent(connection, 'active-device-changed', { filter: (event) => event.reason === 'unplugged' })
    ;(connection.localTracks()[0]!.mediaStreamTrack as unknown as FakeTrack).end()
    expect((await unplugged)[0]).toMatchObject({ kind: 'camera', deviceId: 'default' })
    expect(webrtc.calls.getUserMedia.at(-1)).toEqual({ audio: false, video: true })
    expect(connection.localTracks()[0]?.deviceId).toBe(fakeDevices.video[0])
  })
})

describe('screen share', () => {
  it('a share is a screen (and screen-audio) track on the other side; the browser’s own stop ends it', async () => {
    const room = uniqueRoom('screen')
    const { connection } = await join(room, 'ada', { video: true })
    const { connection: bob } = await join(room, 'bob')
    const camera = await subscribed(bob, 'camera')
    const screen = subscribed(bob, 'screen')
    const screenAudio = subscribed(bob, 'screen-audio')
    await connection.setScreenShareEnabled(true, { audio: true })
    expect((await screen).track.kind).toBe('video')
    expect((await screenAudio).track.kind).toBe('audio')
    expect(
      connection
        .localTracks()
        .map((track) => track.source)
        .sort(),
    ).toEqual(['camera', 'screen', 'screen-audio'])

    const gone: TrackEvent[] = []
    bob.on('track-unsubscribed', (event) => gone.push(event))
    const shared = connection.localTracks().find((track) => track.source === 'screen')!
    ;(shared.mediaStreamTrack as unknown as FakeTrack).end()
    await vi.waitFor(() => expect(gone.map((event) => event.track.source).sort()).toEqual(['screen', 'screen-audio']))
    expect(connection.localTracks().map((track) => track.source)).toEqual(['camera'])
    expect(bob.participants()[0]).toBeDefined()
    expect(camera.track.mediaStreamTrack?.readyState).toBe('live')

    // Shared again: the same receivers, subscribed again as screen.
    const again = subscribed(bob, 'screen')
    await connection.setScreenShareEnabled(true)
    expect((await again).track.source).toBe('screen')
  })
})

describe('server actions', () => {
  it('on_mute turns the microphone off, tells the room, and emits muted-by-moderator', async () => {
    const room = uniqueRoom('on-mute')
    const { connection } = await join(room, 'ada', { audio: true })
    const { connection: bob } = await join(room, 'bob')
    const microphone = await subscribed(bob, 'microphone')
    const mutedByModerator = waitForEvent(connection, 'muted-by-moderator')
    const muted = waitForEvent(bob, 'track-muted')
    serverSocketOf('ada')!.emit('on_mute', { kind: 'audio' })
    expect((await mutedByModerator)[0].kind).toBe('audio')
    expect((await muted)[0].track.id).toBe(microphone.track.id)
    expect(connection.localTracks()[0]?.mediaStreamTrack.enabled).toBe(false)
  })

  it('a kick with reason removed ends the connection with removed', async () => {
    const { connection } = await join(uniqueRoom('removed'), 'ada')
    const disconnected = waitForEvent(connection, 'disconnected')
    const socket = serverSocketOf('ada')!
    socket.emit('on_kick', { reason: 'removed', message: 'A moderator removed you' })
    socket.disconnect(true)
    expect((await disconnected)[0].reason).toBe('removed')
  })

  it('the vendor object holds the socket and the peer connection to each participant', async () => {
    const room = uniqueRoom('vendor')
    const { connection } = await join(room, 'ada')
    await join(room, 'bob')
    await vi.waitFor(() => expect([...connection.vendor.peerConnections.keys()]).toEqual(['bob']))
    expect(connection.vendor.socket?.connected).toBe(true)
    await connection.disconnect()
    expect(connection.vendor.socket).toBeUndefined()
    expect(connection.vendor.peerConnections.size).toBe(0)
  })
})
