import { createSession } from '@callport/client'
import type { ConnectOptions, DisconnectedEvent, Token } from '@callport/core'
import { waitForEvent } from '@callport/testkit'
import { describe, expect, it, vi } from 'vitest'
import { twilio } from '../src/client/index'
import { twilio as twilioServer } from '../src/server/index'
import type { TwilioConnection } from '../src/client/twilio-connection'
import { connectAlice, connectOptions, createClientHarness } from './client-harness'
import { FakeTwilioError, type CloudClient } from './fake-twilio-cloud'
import { credentials } from './twilio-harness'
import type { FakeRemoteMediaTrack, FakeRoom } from './fake-twilio-video'
import { rejection } from './rejection'

const options = (extra: Partial<ConnectOptions> = {}): ConnectOptions => connectOptions(extra, { audio: true, video: true })

const connected = (extra: Partial<ConnectOptions> = {}, adapterOptions: Parameters<typeof twilio>[0] = {}) => connectAlice(options(extra), adapterOptions)

const asFake = (client: CloudClient | undefined): FakeRoom => client as FakeRoom

describe('connect', () => {
  it('connects with the Access Token, the room name from the token, audio and video from join, and extra ConnectOptions', async () => {
    const harness = createClientHarness()
    const token = await harness.issue('standup', 'alice')
    await twilio({ sdk: harness.video, connectOptions: { region: 'de1', dominantSpeaker: true } }).connect(token, options({ video: false }))
    expect(harness.video.connectCalls).toEqual([
      { token: token.value, options: { region: 'de1', dominantSpeaker: true, networkQuality: { local: 1, remote: 1 }, name: 'standup', audio: true, video: false } },
    ])
  })

  it("the connection's local participant is the token identity, with Twilio's participant SID", async () => {
    const { connection, room } = await connected()
    expect(connection.localParticipant).toEqual({ identity: 'alice', role: 'publisher', providerParticipantId: room.localParticipant.sid })
    expect(connection.room).toBe(room)
  })

  it('lists the participants already in the room, without events for them', async () => {
    const harness = createClientHarness()
    const bob = await harness.joinRemote('standup', 'bob')
    const connection = await twilio({ sdk: harness.video }).connect(await harness.issue('standup', 'alice'), options())
    expect(connection.participants()).toEqual([{ identity: 'bob', role: 'publisher', providerParticipantId: bob.room.localParticipant.sid }])
  })

  it('loads twilio-video through the injected loader, and takes a CommonJS-style default export', async () => {
    const harness = createClientHarness()
    const loader = vi.fn(async () => ({ default: harness.video }))
    const adapter = twilio({ sdk: loader })
    expect(loader).not.toHaveBeenCalled()
    await adapter.connect(await harness.issue('standup', 'alice'), options())
    expect(loader).toHaveBeenCalledTimes(1)
  })

  it('refuses a loader that gives no twilio-video (INVALID_INPUT), and one that fails (UNSUPPORTED)', async () => {
    const harness = createClientHarness()
    const token = await harness.issue('standup', 'alice')
    expect((await rejection(twilio({ sdk: async () => ({}) }).connect(token, options()))).code).toBe('INVALID_INPUT')
    const missing = await rejection(twilio({ sdk: () => Promise.reject(new Error('Cannot find module')) }).connect(token, options()))
    expect(missing).toMatchObject({ code: 'UNSUPPORTED', provider: 'twilio' })
  })

  it('refuses unknown options, naming the closest known one', () => {
    expect(() => twilio({ SDK: {} } as never)).toThrow(/Twilio client options: unknown setting "SDK" \(did you mean "sdk"\?\)/)
    expect(() => twilio({ connectOption: {} } as never)).toThrow(/did you mean "connectOptions"/)
  })

  it.each(['HS384', 'HS512'] as const)('joins with a %s Access Token, which Twilio verifies like HS256', async (algorithm) => {
    const harness = createClientHarness()
    const { authToken: _authToken, ...keys } = credentials
    const token = await harness.issue('standup', 'alice', 600, twilioServer({ ...keys, algorithm }))
    const connection = await twilio({ sdk: harness.video }).connect(token, options())
    expect(connection.localParticipant.identity).toBe('alice')
    const [header, payload] = token.value.split('.')
    const otherAlgorithm = Buffer.from(JSON.stringify({ alg: algorithm === 'HS384' ? 'HS512' : 'HS384', typ: 'JWT', cty: 'twilio-fpa;v=1' })).toString('base64url')
    const relabelled = { ...token, value: [otherAlgorithm, payload, token.value.split('.')[2]].join('.') }
    expect(header).not.toBe(otherAlgorithm)
    expect(await rejection(twilio({ sdk: harness.video }).connect(relabelled, options()))).toMatchObject({ code: 'UNAUTHORIZED', details: { twilioCode: 20107 } })
  })

  it('Twilio counts double-byte characters twice toward its 128 for identities: beyond, 53200 is INVALID_INPUT', async () => {
    const harness = createClientHarness()
    const adapter = twilio({ sdk: harness.video })
    const fits = await adapter.connect(await harness.issue('standup', 'é'.repeat(64)), options())
    expect(fits.localParticipant.identity).toBe('é'.repeat(64))
    const error = await rejection(adapter.connect(await harness.issue('standup', 'é'.repeat(65)), options()))
    expect(error).toMatchObject({ code: 'INVALID_INPUT', retryable: false, details: { twilioCode: 53200 } })
  })

  it('refuses a token of another provider or without its room name', async () => {
    const harness = createClientHarness()
    const token = await harness.issue('standup', 'alice')
    const adapter = twilio({ sdk: harness.video })
    expect((await rejection(adapter.connect({ ...token, provider: 'openvidu' }, options()))).code).toBe('INVALID_INPUT')
    expect((await rejection(adapter.connect({ ...token, connect: {} }, options()))).code).toBe('INVALID_INPUT')
    expect(harness.video.connectCalls).toEqual([])
  })

  it.each([
    [new FakeTwilioError(20104, 'Access Token expired or expiration date invalid'), 'TOKEN_EXPIRED', false],
    [new FakeTwilioError(20107, 'Invalid Access Token signature'), 'UNAUTHORIZED', false],
    [new FakeTwilioError(53105, 'Room contains too many Participants'), 'PROVIDER_REJECTED', false],
    [new FakeTwilioError(53000, 'Signaling connection error'), 'CONNECTION_FAILED', true],
    [Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' }), 'PERMISSION_DENIED', false],
    [Object.assign(new Error('Could not start video source'), { name: 'NotReadableError' }), 'DEVICE_IN_USE', false],
  ] as const)('maps a connect failure %s to %s (retryable %s)', async (failure, code, retryable) => {
    const harness = createClientHarness()
    harness.video.failNextConnect(failure)
    const error = await rejection(twilio({ sdk: harness.video }).connect(await harness.issue('standup', 'alice'), options()))
    expect(error).toMatchObject({ code, retryable, provider: 'twilio', cause: failure })
  })

  it('an expired Access Token is refused by Twilio with 20104: TOKEN_EXPIRED', async () => {
    const harness = createClientHarness()
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 3_600_000 })
    const old = await harness.issue('standup', 'alice', 60)
    vi.useRealTimers()
    const error = await rejection(twilio({ sdk: harness.video }).connect(old, options()))
    expect(error).toMatchObject({ code: 'TOKEN_EXPIRED', details: { twilioCode: 20104 } })
  })

  it('an abort while twilio-video connects cancels its CancelablePromise and rejects with ABORTED', async () => {
    const harness = createClientHarness()
    const release = harness.video.hold()
    const controller = new AbortController()
    const connecting = twilio({ sdk: harness.video }).connect(await harness.issue('standup', 'alice'), options({ signal: controller.signal }))
    await vi.waitFor(() => expect(harness.video.connectCalls).toHaveLength(1))
    controller.abort()
    expect((await rejection(connecting)).code).toBe('ABORTED')
    release()
    await harness.video.settled()
    expect(harness.video.rooms).toEqual([])
    expect(harness.cloud.find('standup')).toBeUndefined()
  })
})

describe('room events', () => {
  it('participantConnected and participantDisconnected become participant-joined and participant-left, raw kept', async () => {
    const { harness, connection } = await connected()
    const joined = waitForEvent(connection, 'participant-joined')
    const bob = await harness.joinRemote('standup', 'bob')
    const [{ participant, raw }] = await joined
    expect(participant).toEqual({ identity: 'bob', role: 'publisher', providerParticipantId: bob.room.localParticipant.sid })
    expect(raw).toMatchObject({ identity: 'bob', sid: bob.room.localParticipant.sid })
    const left = waitForEvent(connection, 'participant-left')
    await bob.leave()
    const [event] = await left
    expect(event.participant).toBe(participant)
    expect(event.raw).toMatchObject({ identity: 'bob', sid: bob.room.localParticipant.sid })
    expect(connection.participants()).toEqual([])
  })

  it("trackSubscribed wraps the twilio track: attach and detach are twilio-video's", async () => {
    const { harness, connection } = await connected()
    const bob = await harness.joinRemote('standup', 'bob')
    const subscribed = waitForEvent(connection, 'track-subscribed')
    await bob.setCameraEnabled(true)
    const [{ track, participant, raw }] = await subscribed
    const twilioTrack = (raw as { track: FakeRemoteMediaTrack }).track
    expect(participant.identity).toBe('bob')
    expect(track).toMatchObject({ id: twilioTrack.sid, kind: 'video', source: 'camera', mediaStreamTrack: twilioTrack.mediaStreamTrack })
    const element = { id: 'video-1' } as unknown as HTMLMediaElement
    expect(track.attach(element)).toBe(element)
    expect([...twilioTrack.attached]).toEqual([element])
    const created = track.attach()
    expect(twilioTrack.attached.has(created)).toBe(true)
    expect(track.detach(element)).toEqual([element])
    expect(track.detach()).toEqual([created])
    expect(twilioTrack.attached.size).toBe(0)
  })

  it("trackUnsubscribed gives the same Track, and a leaving participant's tracks are unsubscribed first", async () => {
    const { harness, connection } = await connected()
    const bob = await harness.joinRemote('standup', 'bob')
    const subscribed = waitForEvent(connection, 'track-subscribed')
    await bob.setCameraEnabled(true)
    const [{ track }] = await subscribed
    const order: string[] = []
    connection.on('track-unsubscribed', (event) => order.push(`unsubscribed ${event.track.id === track.id ? 'same' : 'other'}`))
    connection.on('participant-left', ({ participant }) => order.push(`left ${participant.identity}`))
    await bob.leave()
    expect(order).toEqual(['unsubscribed same', 'left bob'])
  })

  it('says each track\'s source from its kind and name: "screen…" is a screen share (video) or its audio', async () => {
    const { harness, connection } = await connected()
    const bob = await harness.joinRemote('standup', 'bob')
    const sources: Array<[string, string]> = []
    connection.on('track-subscribed', ({ track }) => sources.push([track.kind, track.source]))
    await bob.publish('video', 'screen-share')
    await bob.publish('audio', 'screen-audio')
    await bob.publish('video', 'camera-front')
    await bob.publish('audio', 'a5b7c9')
    await vi.waitFor(() => expect(sources).toHaveLength(4))
    expect(sources).toEqual([
      ['video', 'screen'],
      ['audio', 'screen-audio'],
      ['video', 'camera'],
      ['audio', 'microphone'],
    ])
  })

  it('trackDisabled / trackEnabled become track-muted / track-unmuted of the subscribed Track, publication as raw', async () => {
    const { harness, connection } = await connected()
    const bob = await harness.joinRemote('standup', 'bob')
    const subscribed = waitForEvent(connection, 'track-subscribed')
    await bob.setCameraEnabled(true)
    const [{ track }] = await subscribed
    const unsubscribed = vi.fn()
    connection.on('track-unsubscribed', unsubscribed)
    const muted = waitForEvent(connection, 'track-muted')
    await bob.setCameraMuted(true)
    const [mutedEvent] = await muted
    expect(mutedEvent.track).toBe(track)
    expect(mutedEvent.participant.identity).toBe('bob')
    expect(mutedEvent.raw).toMatchObject({ publication: { trackSid: track.id, isTrackEnabled: false }, participant: { identity: 'bob' } })
    const unmuted = waitForEvent(connection, 'track-unmuted')
    await bob.setCameraMuted(false)
    expect((await unmuted)[0].track).toBe(track)
    expect(unsubscribed).not.toHaveBeenCalled()
  })

  it('a camera turned off through Callport on the other side (setCameraEnabled(false) disables it) is track-muted, not unsubscribed', async () => {
    const { harness, connection } = await connected({ audio: false, video: false })
    const subscribed = waitForEvent(connection, 'track-subscribed')
    const bob = await twilio({ sdk: harness.video }).connect(await harness.issue('standup', 'bob'), options({ audio: false, video: true }))
    const [{ track }] = await subscribed
    const events: string[] = []
    for (const name of ['track-muted', 'track-unmuted', 'track-unsubscribed'] as const) connection.on(name, (event) => events.push(`${name} ${event.track.id === track.id}`))
    const unmuted = waitForEvent(connection, 'track-unmuted')
    await bob.setCameraEnabled(false)
    await bob.setCameraEnabled(true)
    await unmuted
    expect(events).toEqual(['track-muted true', 'track-unmuted true'])
    await bob.disconnect()
  })

  it('a track that is disabled when subscribed is track-subscribed, then track-muted', async () => {
    const harness = createClientHarness()
    const bob = await harness.joinRemote('standup', 'bob')
    await bob.publish('video', 'camera', false)
    const connection = await twilio({ sdk: harness.video }).connect(await harness.issue('standup', 'alice'), options({ audio: false, video: false }))
    const events: Array<[string, string]> = []
    for (const name of ['track-subscribed', 'track-muted'] as const) connection.on(name, (event) => events.push([name, event.track.source]))
    await vi.waitFor(() => expect(events).toHaveLength(2))
    expect(events).toEqual([
      ['track-subscribed', 'camera'],
      ['track-muted', 'camera'],
    ])
    await connection.disconnect()
  })

  it("reconnecting and reconnected are twilio-video's own reconnection (attempt 0), with its error as raw", async () => {
    const { connection, room } = await connected()
    const reconnecting = waitForEvent(connection, 'reconnecting')
    room.interrupt(53405)
    const [event] = await reconnecting
    expect(event).toMatchObject({ attempt: 0, reason: 'connection-lost', raw: { code: 53405 } })
    const reconnected = waitForEvent(connection, 'reconnected')
    room.restore()
    await reconnected
  })

  it.each([
    [20104, 'token-expired', 'TOKEN_EXPIRED'],
    [53205, 'duplicate-identity', 'CONNECTION_FAILED'],
    [53001, 'connection-lost', 'CONNECTION_FAILED'],
    [53405, 'connection-lost', 'CONNECTION_FAILED'],
    [53118, 'room-closed', 'ROOM_NOT_FOUND'],
    [20107, 'unauthorized', 'UNAUTHORIZED'],
    [12345, 'unknown', 'CONNECTION_FAILED'],
  ] as const)('disconnected with Twilio error %d is %s (%s)', async (code, reason, errorCode) => {
    const { connection, room } = await connected()
    const disconnected = waitForEvent(connection, 'disconnected')
    room.drop(code)
    const [event] = await disconnected
    expect(event).toMatchObject({ reason, error: { code: errorCode, provider: 'twilio' }, raw: { code } })
  })

  it('disconnected without an error, after a REST kick, is "removed"', async () => {
    const { harness, connection } = await connected()
    const disconnected = waitForEvent(connection, 'disconnected')
    const room = harness.cloud.find('standup')!
    harness.cloud.leave(room, room.participants.get('alice')!, null)
    const [event] = await disconnected
    expect(event.reason).toBe('removed')
    expect(event.error).toBeUndefined()
  })

  it('a second connection with the same identity ends the first with duplicate-identity', async () => {
    const { harness, connection } = await connected()
    const disconnected = waitForEvent(connection, 'disconnected')
    await twilio({ sdk: harness.video }).connect(await harness.issue('standup', 'alice'), options())
    expect((await disconnected)[0].reason).toBe('duplicate-identity')
  })

  it('disconnect() leaves, emits nothing, is idempotent, and stops only the tracks it created', async () => {
    const { harness, connection, room } = await connected({ audio: false, video: true })
    await connection.setMicrophoneEnabled(true)
    const microphone = [...room.localParticipant.audioTracks.values()][0]!.track
    const events = vi.fn()
    connection.on('disconnected', events)
    await connection.disconnect()
    await connection.disconnect()
    expect(room.state).toBe('disconnected')
    expect(microphone.isStopped).toBe(true)
    expect(harness.cloud.find('standup')?.participants.size).toBe(0)
    expect(events).not.toHaveBeenCalled()
  })
})

describe('media', () => {
  it('switches the published microphone and camera tracks with enable and disable', async () => {
    const { connection, room } = await connected()
    const microphone = [...room.localParticipant.audioTracks.values()][0]!.track
    const camera = [...room.localParticipant.videoTracks.values()][0]!.track
    await connection.setMicrophoneEnabled(false)
    await connection.setCameraEnabled(false)
    expect([microphone.isEnabled, camera.isEnabled]).toEqual([false, false])
    await connection.setCameraEnabled(true)
    expect([microphone.isEnabled, camera.isEnabled]).toEqual([false, true])
    expect(room.localParticipant.videoTracks.size).toBe(1)
  })

  it('publishes a new track when enabling what join left off, and does nothing when disabling what is not there', async () => {
    const { connection, room } = await connected({ audio: false, video: false })
    await connection.setCameraEnabled(false)
    expect(room.localParticipant.videoTracks.size).toBe(0)
    await connection.setCameraEnabled(true)
    expect(room.localParticipant.videoTracks.size).toBe(1)
    expect([...room.localParticipant.videoTracks.values()][0]?.track.isEnabled).toBe(true)
  })

  it('a failed publication rejects with a CallportError', async () => {
    const { connection, room } = await connected({ audio: false, video: false })
    room.localParticipant.failNextPublish = new FakeTwilioError(53203, 'Maximum published tracks reached')
    expect((await rejection(connection.setMicrophoneEnabled(true))).code).toBe('PROVIDER_REJECTED')
  })
})

describe('data', () => {
  it('sends over a LocalDataTrack to everyone, and receives what the others send', async () => {
    const { harness, connection } = await connected()
    const bob = await harness.joinRemote('standup', 'bob')
    await connection.sendData!('hello bob')
    expect(bob.received).toEqual(['hello bob'])
    const received = waitForEvent(connection, 'data-received')
    await bob.sendData('hello alice')
    const [event] = await received
    expect(event).toMatchObject({ data: 'hello alice', participant: { identity: 'bob' } })
  })

  it('refuses to address some participants only: a data track reaches everyone', async () => {
    const { connection } = await connected()
    expect((await rejection(connection.sendData!('secret', { to: ['bob'] }))).code).toBe('UNSUPPORTED')
  })

  it('without the data option: no sendData, and the capability says so', async () => {
    const { adapter, connection, room } = await connected({}, { data: false })
    expect(adapter.capabilities).toMatchObject({ media: 'tracks', updateToken: false, sendData: false, trackMuteEvents: true })
    expect(connection.sendData).toBeUndefined()
    expect(room.localParticipant.dataTracks.size).toBe(0)
  })

  it('has no updateToken: Twilio cannot take a new Access Token mid-call', async () => {
    const { adapter, connection } = await connected()
    expect(adapter.capabilities.updateToken).toBe(false)
    expect((connection as TwilioConnection & { updateToken?: unknown }).updateToken).toBeUndefined()
  })
})

describe('with createSession', () => {
  function session(harness: ReturnType<typeof createClientHarness>, issued: Token[]) {
    return createSession({
      adapters: [twilio({ sdk: harness.video })],
      token: async ({ room }) => {
        const token = await harness.issue(room, 'alice')
        issued.push(token)
        return token
      },
      reconnect: { maximumAttempts: 2, initialDelay: 1, maximumDelay: 1 },
    })
  }

  it('reconnects with a fresh token when Twilio ends the call with 20104 (token expired)', async () => {
    const harness = createClientHarness()
    const issued: Token[] = []
    const calls = session(harness, issued)
    await calls.join('standup', { audio: false, video: false })
    const reconnected = waitForEvent(calls, 'reconnected', { timeoutMilliseconds: 2000 })
    asFake(harness.cloud.clientOf('alice')).drop(20104)
    await reconnected
    expect(calls.state).toBe('connected')
    expect(issued).toHaveLength(2)
    expect(harness.video.connectCalls.map((call) => call.token)).toEqual(issued.map((token) => token.value))
    await calls.leave()
  })

  it('does not reconnect after duplicate identity (53205)', async () => {
    const harness = createClientHarness()
    const issued: Token[] = []
    const calls = session(harness, issued)
    await calls.join('standup', { audio: false, video: false })
    const ended = waitForEvent(calls, 'disconnected')
    asFake(harness.cloud.clientOf('alice')).drop(53205)
    const [event]: [DisconnectedEvent] = await ended
    expect(event.reason).toBe('duplicate-identity')
    expect(calls.state).toBe('disconnected')
    expect(issued).toHaveLength(1)
  })
})
