import { ConnectionError, ConnectionErrorReason, DataPacket_Kind, DisconnectReason, PublishTrackError, RoomEvent, Track } from 'livekit-client'
import { RoomServiceClient } from 'livekit-server-sdk'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createClientHarness, createCloud, credentials, type ClientHarness } from './client-harness'
import type { FakeRoom } from './fake-livekit-client'

/**
 * The fake livekit-client over the fake cloud behaves as livekit-client's source does (event names,
 * argument order, event order), and RoomService reaches connected clients as LiveKit's signal does.
 */
const cloud = createCloud()
beforeAll(() => cloud.start())
afterAll(() => cloud.stop())

let harness: ClientHarness
beforeEach(() => {
  harness = createClientHarness(cloud)
  return () => vi.unstubAllGlobals()
})

/** Connects `identity` to `room` with the fake SDK; records every Room event in order. */
async function connect(room: string, identity: string, options = {}): Promise<{ room: FakeRoom; events: Array<[RoomEvent, ...unknown[]]> }> {
  const token = await harness.issue(room, identity)
  const connected = new harness.sdk.Room(options)
  const events: Array<[RoomEvent, ...unknown[]]> = []
  for (const event of Object.values(RoomEvent)) connected.on(event, (...args: unknown[]) => events.push([event, ...args]))
  await connected.connect(token.connect.url as string, token.value)
  return { room: connected, events }
}

const names = (events: Array<[RoomEvent, ...unknown[]]>) => events.map(([event]) => event)
const sdkRoomService = () => new RoomServiceClient(cloud.url, credentials.apiKey, credentials.apiSecret)

describe('the fake livekit-client', () => {
  it('connect rejects a token the cloud refuses with ConnectionError NotAllowed (401), after disconnected(USER_REJECTED)', async () => {
    const token = await harness.refused('standup', 'alice')
    const room = new harness.sdk.Room()
    const disconnected = vi.fn()
    room.on(RoomEvent.Disconnected, disconnected)
    const failure = await room.connect(token.connect.url as string, token.value).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ConnectionError)
    expect(failure).toMatchObject({ reason: ConnectionErrorReason.NotAllowed, status: 401 })
    expect(disconnected).toHaveBeenCalledWith(DisconnectReason.USER_REJECTED)
    expect(room.state).toBe('disconnected')
  })

  it('connect to another host fails as unreachable', async () => {
    const token = await harness.issue('standup', 'alice')
    const failure = await new harness.sdk.Room().connect('wss://elsewhere.invalid', token.value).catch((error: unknown) => error)
    expect(failure).toMatchObject({ reason: ConnectionErrorReason.ServerUnreachable })
  })

  it('a later joiner: participantConnected, trackPublished, trackSubscribed in that order; tracks already there are subscribed before connect resolves', async () => {
    const alice = await connect('order', 'alice')
    const bob = await harness.joinRemote('order', 'bob')
    await bob.setCameraEnabled(true)
    await vi.waitFor(() => expect(names(alice.events)).toContain(RoomEvent.TrackSubscribed))
    const relevant = names(alice.events).filter((event) => [RoomEvent.ParticipantConnected, RoomEvent.TrackPublished, RoomEvent.TrackSubscribed].includes(event))
    expect(relevant).toEqual([RoomEvent.ParticipantConnected, RoomEvent.TrackPublished, RoomEvent.TrackSubscribed])
    const [, track, publication, participant] = alice.events.find(([event]) => event === RoomEvent.TrackSubscribed)!
    expect(track).toMatchObject({ kind: 'video', source: Track.Source.Camera })
    expect(publication).toMatchObject({ source: Track.Source.Camera, kind: 'video' })
    expect(participant).toMatchObject({ identity: 'bob' })

    const carol = new harness.sdk.Room()
    const seen: string[] = []
    carol.on(RoomEvent.TrackSubscribed, () => seen.push('trackSubscribed'))
    carol.on(RoomEvent.ParticipantConnected, () => seen.push('participantConnected'))
    const token = await harness.issue('order', 'carol')
    await carol.connect(token.connect.url as string, token.value).then(() => seen.push('connected'))
    expect(seen).toEqual(['trackSubscribed', 'connected'])
  })

  it('a remote track unpublished: detached, trackUnsubscribed, then trackUnpublished; leaving adds participantDisconnected', async () => {
    const alice = await connect('unpublish', 'alice')
    const bob = await harness.joinRemote('unpublish', 'bob')
    await bob.setCameraEnabled(true)
    await vi.waitFor(() => expect(names(alice.events)).toContain(RoomEvent.TrackSubscribed))
    const track = alice.events.find(([event]) => event === RoomEvent.TrackSubscribed)![1] as {
      attach(element?: HTMLMediaElement): HTMLMediaElement
      attachedElements: unknown[]
    }
    track.attach()
    let attachedWhenUnsubscribed: number | undefined
    alice.room.on(RoomEvent.TrackUnsubscribed, () => (attachedWhenUnsubscribed = track.attachedElements.length))
    alice.events.length = 0
    await bob.setCameraEnabled(false)
    await vi.waitFor(() => expect(names(alice.events)).toEqual([RoomEvent.TrackUnsubscribed, RoomEvent.TrackUnpublished]))
    expect(attachedWhenUnsubscribed, 'livekit-client detaches before trackUnsubscribed').toBe(0)
    await bob.setMicrophoneEnabled(true)
    await vi.waitFor(() => expect(names(alice.events)).toContain(RoomEvent.TrackSubscribed))
    alice.events.length = 0
    await bob.leave()
    await vi.waitFor(() => expect(names(alice.events)).toEqual([RoomEvent.TrackUnsubscribed, RoomEvent.TrackUnpublished, RoomEvent.ParticipantDisconnected]))
    expect(alice.events.at(-1)![2]).toBe(DisconnectReason.CLIENT_INITIATED)
  })

  it('mute and unmute of a remote camera: trackMuted / trackUnmuted with the publication and participant, no unsubscription', async () => {
    const alice = await connect('mute', 'alice')
    const bob = await harness.joinRemote('mute', 'bob')
    await bob.setCameraEnabled(true)
    await vi.waitFor(() => expect(names(alice.events)).toContain(RoomEvent.TrackSubscribed))
    alice.events.length = 0
    await bob.setCameraMuted(true)
    await vi.waitFor(() => expect(names(alice.events)).toEqual([RoomEvent.TrackMuted]))
    expect(alice.events[0]![1]).toMatchObject({ isMuted: true, source: Track.Source.Camera })
    expect(alice.events[0]![2]).toMatchObject({ identity: 'bob' })
    await bob.setCameraMuted(false)
    await vi.waitFor(() => expect(names(alice.events)).toEqual([RoomEvent.TrackMuted, RoomEvent.TrackUnmuted]))
  })

  it('dataReceived(payload, participant, kind, topic) reaches only destinationIdentities', async () => {
    const alice = await connect('data', 'alice')
    const carol = await connect('data', 'carol')
    const bob = await harness.joinRemote('data', 'bob')
    await bob.room.localParticipant.publishData(new TextEncoder().encode('to carol'), { reliable: true, destinationIdentities: ['carol'], topic: 'chat' })
    await vi.waitFor(() => expect(names(carol.events)).toContain(RoomEvent.DataReceived))
    const [, payload, participant, kind, topic] = carol.events.find(([event]) => event === RoomEvent.DataReceived)!
    expect(new TextDecoder().decode(payload as Uint8Array)).toBe('to carol')
    expect(participant).toMatchObject({ identity: 'bob' })
    expect([kind, topic]).toEqual([DataPacket_Kind.RELIABLE, 'chat'])
    await bob.sendData('to everyone')
    await vi.waitFor(() => expect(names(alice.events).filter((event) => event === RoomEvent.DataReceived)).toHaveLength(1))
    expect(new TextDecoder().decode(alice.events.find(([event]) => event === RoomEvent.DataReceived)![1] as Uint8Array)).toBe('to everyone')
  })

  it('activeSpeakersChanged lists speakers loudest first with audioLevel, and drops the silent', async () => {
    const alice = await connect('speakers', 'alice')
    const bob = await harness.joinRemote('speakers', 'bob')
    const carol = await harness.joinRemote('speakers', 'carol')
    await bob.setSpeaking(0.3)
    await carol.setSpeaking(0.9)
    await vi.waitFor(() =>
      expect(alice.room.activeSpeakers.map((speaker) => [speaker.identity, speaker.audioLevel])).toEqual([
        ['carol', 0.9],
        ['bob', 0.3],
      ]),
    )
    await carol.setSpeaking(0)
    await vi.waitFor(() => expect(alice.room.activeSpeakers.map((speaker) => speaker.identity)).toEqual(['bob']))
    expect(names(alice.events).filter((event) => event === RoomEvent.ActiveSpeakersChanged)).toHaveLength(3)
  })

  it('connectionQualityChanged(quality, participant) for remote and local participants, on change only', async () => {
    const alice = await connect('quality', 'alice')
    const bob = await harness.joinRemote('quality', 'bob')
    await bob.setConnectionQuality('poor')
    await bob.setConnectionQuality('poor')
    cloud.setConnectionQuality('quality', 'alice', harness.sdk.ConnectionQuality.Good)
    await vi.waitFor(() =>
      expect(
        alice.events
          .filter(([event]) => event === RoomEvent.ConnectionQualityChanged)
          .map(([, quality, participant]) => [quality, (participant as { identity: string }).identity]),
      ).toEqual([
        ['poor', 'bob'],
        ['good', 'alice'],
      ]),
    )
  })

  it('RemoveParticipant disconnects the Room with PARTICIPANT_REMOVED; the others see participantDisconnected with it', async () => {
    const alice = await connect('remove', 'alice')
    const bob = await harness.joinRemote('remove', 'bob')
    await sdkRoomService().removeParticipant('remove', 'bob')
    await vi.waitFor(() => expect(bob.room.state).toBe('disconnected'))
    await vi.waitFor(() => expect(alice.events.find(([event]) => event === RoomEvent.ParticipantDisconnected)?.[2]).toBe(DisconnectReason.PARTICIPANT_REMOVED))
    const disconnected = vi.fn()
    alice.room.on(RoomEvent.Disconnected, disconnected)
    await sdkRoomService().deleteRoom('remove')
    await vi.waitFor(() => expect(disconnected).toHaveBeenCalledWith(DisconnectReason.ROOM_DELETED))
  })

  it('a second connection with the same identity ends the first with DUPLICATE_IDENTITY', async () => {
    const first = await connect('duplicate', 'alice')
    await connect('duplicate', 'alice')
    await vi.waitFor(() => expect(first.events.find(([event]) => event === RoomEvent.Disconnected)?.[1]).toBe(DisconnectReason.DUPLICATE_IDENTITY))
  })

  it("MutePublishedTrack mutes the owner's publication (trackMuted on the owner, as the server's mute request) and the others see trackMuted", async () => {
    const alice = await connect('server-mute', 'alice')
    await alice.room.localParticipant.setMicrophoneEnabled(true)
    const bob = await connect('server-mute', 'bob')
    await vi.waitFor(() => expect(names(bob.events)).toContain(RoomEvent.TrackSubscribed))
    await harness.muteParticipant('server-mute', 'alice', 'audio')
    await vi.waitFor(() => expect(names(alice.events)).toContain(RoomEvent.TrackMuted))
    const [, publication, participant] = alice.events.find(([event]) => event === RoomEvent.TrackMuted)!
    expect(participant).toBe(alice.room.localParticipant)
    expect(publication).toMatchObject({ source: Track.Source.Microphone, isMuted: true })
    await vi.waitFor(() => expect(bob.events.filter(([event]) => event === RoomEvent.TrackMuted)).toHaveLength(1))
    await alice.room.localParticipant.setMicrophoneEnabled(true)
    await vi.waitFor(() => expect(names(bob.events)).toContain(RoomEvent.TrackUnmuted))
  })

  it("UpdateParticipant (sent by livekit-server-sdk): name, metadata and attributes change events on every Room, the participant's own included", async () => {
    const alice = await connect('update', 'alice')
    const bob = await connect('update', 'bob')
    await sdkRoomService().updateParticipant('update', 'bob', { name: 'Robert', metadata: '{"hand":"up"}', attributes: { seat: '3' } })
    for (const room of [alice, bob]) {
      await vi.waitFor(() =>
        expect(names(room.events)).toEqual(
          expect.arrayContaining([RoomEvent.ParticipantNameChanged, RoomEvent.ParticipantMetadataChanged, RoomEvent.ParticipantAttributesChanged]),
        ),
      )
      const [, name, participant] = room.events.find(([event]) => event === RoomEvent.ParticipantNameChanged)!
      expect(name).toBe('Robert')
      expect(participant).toMatchObject({ identity: 'bob', name: 'Robert', metadata: '{"hand":"up"}', attributes: { seat: '3' } })
      expect(room.events.find(([event]) => event === RoomEvent.ParticipantAttributesChanged)![1]).toEqual({ seat: '3' })
    }
    expect((await sdkRoomService().getParticipant('update', 'bob')).name).toBe('Robert')
    alice.events.length = 0
    await sdkRoomService().updateParticipant('update', 'bob', { permission: { canPublish: false, canSubscribe: true, canPublishData: true } })
    await vi.waitFor(() => expect(names(alice.events)).toEqual([RoomEvent.ParticipantPermissionsChanged]))
    expect(alice.events[0]!.slice(1)).toEqual([
      { canPublish: true, canSubscribe: true, canPublishData: true },
      expect.objectContaining({ identity: 'bob', permissions: { canPublish: false, canSubscribe: true, canPublishData: true } }),
    ])
  })

  it('disconnect(false) unpublishes without stopping the tracks; disconnect() stops them; disconnected(CLIENT_INITIATED) once', async () => {
    const alice = await connect('leave', 'alice')
    const page = (await harness.media.getUserMedia({ audio: true })).getTracks()[0]!
    await alice.room.localParticipant.publishTrack(page as unknown as MediaStreamTrack, { source: Track.Source.Microphone, name: 'mic' })
    await alice.room.disconnect(false)
    await alice.room.disconnect(false)
    expect(page.readyState).toBe('live')
    expect(names(alice.events).filter((event) => event === RoomEvent.Disconnected)).toHaveLength(1)
    expect(alice.events.find(([event]) => event === RoomEvent.Disconnected)![1]).toBe(DisconnectReason.CLIENT_INITIATED)
    const bob = await connect('leave', 'bob')
    await bob.room.localParticipant.setCameraEnabled(true)
    const camera = bob.room.localParticipant.getTrackPublication(Track.Source.Camera)!.track!.mediaStreamTrack
    await bob.room.disconnect()
    expect(camera.readyState).toBe('ended')
  })

  it('setScreenShareEnabled(true, { audio: true }) publishes screen_share and screen_share_audio; false unpublishes both', async () => {
    const alice = await connect('screen', 'alice')
    await alice.room.localParticipant.setScreenShareEnabled(true, { audio: true })
    expect(alice.room.localParticipant.getTrackPublications().map((publication) => publication.source)).toEqual([Track.Source.ScreenShare, Track.Source.ScreenShareAudio])
    await alice.room.localParticipant.setScreenShareEnabled(false)
    expect(alice.room.localParticipant.getTrackPublications()).toEqual([])
    expect(names(alice.events).filter((event) => event === RoomEvent.LocalTrackUnpublished)).toHaveLength(2)
  })

  it('switchActiveDevice restarts the camera on the device (activeDeviceChanged); a missing device rejects with OverconstrainedError', async () => {
    const alice = await connect('switch', 'alice')
    await alice.room.localParticipant.setCameraEnabled(true)
    await alice.room.switchActiveDevice('videoinput', 'camera-2')
    await vi.waitFor(() =>
      expect(
        alice.events
          .filter(([event]) => event === RoomEvent.ActiveDeviceChanged)
          .at(-1)
          ?.slice(1),
      ).toEqual(['videoinput', 'camera-2']),
    )
    expect(alice.room.localParticipant.getTrackPublication(Track.Source.Camera)!.track!.mediaStreamTrack.getSettings().deviceId).toBe('camera-2')
    await expect(alice.room.switchActiveDevice('videoinput', 'no-such-camera')).rejects.toMatchObject({ name: 'OverconstrainedError' })
  })

  it("a subscriber's token: publishTrack rejects with PublishTrackError 403 (the capture stopped), and its data packets are dropped", async () => {
    const alice = await connect('subscriber', 'alice')
    const token = await harness.server.issueToken({ room: harness.callportRoom('subscriber'), participant: { identity: 'sam', role: 'subscriber' }, ttlSeconds: 600 })
    const sam = new harness.sdk.Room()
    await sam.connect(token.connect.url as string, token.value)
    await expect(sam.localParticipant.setCameraEnabled(true)).rejects.toBeInstanceOf(PublishTrackError)
    expect(harness.media.captured.at(-1)?.readyState).toBe('ended')
    await sam.localParticipant.publishData(new TextEncoder().encode('dropped'), { reliable: true })
    const bob = await harness.joinRemote('subscriber', 'bob')
    await bob.sendData('delivered')
    await vi.waitFor(() => expect(names(alice.events)).toContain(RoomEvent.DataReceived))
    expect(alice.events.filter(([event]) => event === RoomEvent.DataReceived).map(([, payload]) => new TextDecoder().decode(payload as Uint8Array))).toEqual(['delivered'])
  })

  it('Reconnecting / Reconnected, with the events of the meantime held until reconnected', async () => {
    const alice = await connect('reconnect', 'alice')
    alice.room.interrupt()
    await harness.joinRemote('reconnect', 'bob')
    await new Promise((resolve) => setImmediate(resolve))
    expect(names(alice.events)).not.toContain(RoomEvent.ParticipantConnected)
    alice.room.restore()
    expect(names(alice.events).filter((event) => [RoomEvent.Reconnecting, RoomEvent.Reconnected, RoomEvent.ParticipantConnected].includes(event))).toEqual([
      RoomEvent.Reconnecting,
      RoomEvent.Reconnected,
      RoomEvent.ParticipantConnected,
    ])
  })
})
