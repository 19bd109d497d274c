import { createSession } from '@callport/client'
import { disconnectReasons, type Token } from '@callport/core'
import { expectCallportError, waitForEvent } from '@callport/testkit'
import { ConnectionError, DisconnectReason } from 'livekit-client'
import { ConnectionError as OldestConnectionError } from 'livekit-client-oldest'
import { RoomServiceClient } from 'livekit-server-sdk'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { livekit, liveKitClientCapabilities, type LiveKitClientOptions } from '../src/client/index'
import { disconnectReasonOf, errorFromLiveKit } from '../src/client/livekit-errors'
import { createClientHarness, createCloud, credentials } from './client-harness'
import { connectAlice, joinOptions, preview, waitFor } from './client-connect'

/** The LiveKit client half against the fake livekit-client over one fake cloud: connect, participants, tracks, mutes, data, updates, errors and the end of a call. */

const cloud = createCloud()
beforeAll(() => cloud.start())
afterAll(() => cloud.stop())

describe('connect', () => {
  it('joins with room.connect(token.connect.url, token.value, connectOptions) on a Room of roomOptions, with stopLocalTrackOnUnpublish forced off', async () => {
    const harness = createClientHarness(cloud)
    const token = await harness.issue('standup', 'alice')
    const calls: unknown[][] = []
    /** livekit-client's Room, recording the arguments of its connect (an arrow-function property, as livekit-client declares it). */
    class Room extends harness.sdk.Room {
      constructor(roomOptions?: ConstructorParameters<typeof harness.sdk.Room>[0]) {
        super(roomOptions)
        const connect = this.connect
        this.connect = (...args) => {
          calls.push(args)
          return connect(...args)
        }
      }
    }
    const adapter = livekit({ sdk: { ...harness.sdk, Room }, roomOptions: { adaptiveStream: true, stopLocalTrackOnUnpublish: true }, connectOptions: { autoSubscribe: true } })
    const connection = await adapter.connect(token, joinOptions())
    expect(calls).toEqual([[token.connect.url, token.value, { autoSubscribe: true }]])
    const [room] = harness.sdk.rooms
    expect(room!.options).toMatchObject({ adaptiveStream: true, stopLocalTrackOnUnpublish: false })
    expect(connection.vendor).toBe(room)
    expect(connection.localParticipant).toMatchObject({ identity: 'alice', providerParticipantId: room!.localParticipant.sid })
    expect(room!.state).toBe('connected')
    expect(cloud.find('standup', 'alice')).toBeDefined()
    await connection.disconnect()
    expect(room!.state).toBe('disconnected')
  })

  it('lists the participants already in the room without announcing them, and announces their subscribed tracks once the caller listens', async () => {
    const harness = createClientHarness(cloud)
    const bob = await harness.joinRemote('standup', 'bob')
    await bob.setCameraEnabled(true)
    const adapter = livekit({ sdk: harness.sdk })
    const connection = await adapter.connect(await harness.issue('standup', 'alice'), joinOptions())
    const joined = vi.fn()
    connection.on('participant-joined', joined)
    const [{ participant, track }] = await waitForEvent(connection, 'track-subscribed')
    expect(participant.identity).toBe('bob')
    expect(track).toMatchObject({ kind: 'video', source: 'camera' })
    expect(connection.participants().map((listed) => listed.identity)).toEqual(['bob'])
    expect(joined).not.toHaveBeenCalled()
    await connection.disconnect()
    await bob.leave()
  })

  it('a track already there that goes before it is announced is neither announced nor announced gone', async () => {
    const harness = createClientHarness(cloud)
    const bob = await harness.joinRemote('standup', 'bob')
    await bob.setCameraEnabled(true)
    const connection = await livekit({ sdk: harness.sdk }).connect(await harness.issue('standup', 'alice'), joinOptions())
    const events: string[] = []
    connection.on('track-subscribed', () => events.push('track-subscribed'))
    connection.on('track-unsubscribed', () => events.push('track-unsubscribed'))
    await bob.setCameraEnabled(false)
    // The connection announces the tracks already there on a timer of 0 set when it was made: one more turn runs after it.
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(harness.roomOf('standup', 'alice')!.remoteParticipants.get('bob')!.trackPublications.size).toBe(0)
    expect(events).toEqual([])
    await connection.disconnect()
    await bob.leave()
  })

  it('refuses a token signed with another secret as UNAUTHORIZED (ConnectionError NotAllowed, 401), leaving no Room connected', async () => {
    const harness = createClientHarness(cloud)
    const error = await expectCallportError(livekit({ sdk: harness.sdk }).connect(await harness.refused('standup', 'alice'), joinOptions()), ['UNAUTHORIZED'])
    expect(error).toMatchObject({ provider: 'livekit', retryable: false, details: { connectionErrorReason: 0, status: 401 } })
    expect(harness.sdk.rooms.map((room) => room.state)).toEqual(['disconnected'])
  })

  it('an unreachable server is PROVIDER_UNAVAILABLE (retryable); a token without a ws(s) URL, or of another provider, is INVALID_INPUT before anything loads', async () => {
    const harness = createClientHarness(cloud)
    const token = await harness.issue('standup', 'alice')
    const adapter = livekit({ sdk: harness.sdk })
    const unreachable = await expectCallportError(adapter.connect({ ...token, connect: { url: 'wss://unreachable.invalid' } }, joinOptions()), ['PROVIDER_UNAVAILABLE'])
    expect(unreachable.retryable).toBe(true)
    const rooms = harness.sdk.rooms.length
    await expectCallportError(adapter.connect({ ...token, connect: { url: 'https://not-a-websocket.example' } }, joinOptions()), ['INVALID_INPUT'])
    await expectCallportError(adapter.connect({ ...token, connect: {} }, joinOptions()), ['INVALID_INPUT'])
    await expectCallportError(adapter.connect({ ...token, provider: 'twilio' }, joinOptions()), ['INVALID_INPUT'])
    expect(harness.sdk.rooms).toHaveLength(rooms)
  })

  it('an abort while joining disconnects the Room and rejects ABORTED', async () => {
    const harness = createClientHarness(cloud)
    const controller = new AbortController()
    const connecting = livekit({ sdk: harness.sdk }).connect(await harness.issue('standup', 'alice'), joinOptions({ signal: controller.signal }))
    controller.abort()
    await expectCallportError(connecting, ['ABORTED'])
    await waitFor(() => expect(harness.sdk.rooms.every((room) => String(room.state) === 'disconnected')).toBe(true))
    expect(cloud.find('standup', 'alice')).toBeUndefined()
  })

  it('refuses unknown options by name', () => {
    expect(() => livekit({ dataTopc: 'chat' } as LiveKitClientOptions)).toThrow(/dataTopc/)
  })
})

describe('participants and tracks', () => {
  it('participant-joined / participant-left with role, name and JSON metadata; the tracks of one who leaves are unsubscribed first', async () => {
    const { harness, connection } = await connectAlice(cloud)
    const joined = waitForEvent(connection, 'participant-joined')
    const bob = await harness.joinRemote('standup', 'bob')
    const [{ participant }] = await joined
    expect(participant).toMatchObject({ identity: 'bob', role: 'publisher', providerParticipantId: bob.room.localParticipant.sid })
    const subscribed = waitForEvent(connection, 'track-subscribed')
    await bob.setMicrophoneEnabled(true)
    const [{ track }] = await subscribed
    expect(track).toMatchObject({ kind: 'audio', source: 'microphone' })
    const order: string[] = []
    connection.on('track-unsubscribed', (event) => order.push(`unsubscribed ${event.track.id}`))
    connection.on('participant-left', (event) => order.push(`left ${event.participant.identity}`))
    await bob.leave()
    await waitFor(() => expect(order).toEqual([`unsubscribed ${track.id}`, 'left bob']))
    expect(connection.participants()).toEqual([])
    await connection.disconnect()
  })

  it('a remote camera muted and unmuted is track-muted / track-unmuted of the subscribed track; one subscribed while muted is track-subscribed then track-muted', async () => {
    const { harness, connection } = await connectAlice(cloud)
    const bob = await harness.joinRemote('standup', 'bob')
    const subscribed = waitForEvent(connection, 'track-subscribed')
    await bob.setCameraEnabled(true)
    const [{ track }] = await subscribed
    const muted = waitForEvent(connection, 'track-muted')
    await bob.setCameraMuted(true)
    expect((await muted)[0].track).toBe(track)
    const unmuted = waitForEvent(connection, 'track-unmuted')
    await bob.setCameraMuted(false)
    expect((await unmuted)[0].track).toBe(track)
    await bob.setCameraMuted(true)
    await connection.disconnect()
    const events: string[] = []
    const late = await livekit({ sdk: harness.sdk }).connect(await harness.issue('standup', 'carol'), joinOptions())
    late.on('track-subscribed', () => events.push('track-subscribed'))
    late.on('track-muted', () => events.push('track-muted'))
    await waitFor(() => expect(events).toEqual(['track-subscribed', 'track-muted']))
    await late.disconnect()
    await bob.leave()
  })

  it('a remote screen share is source screen, its audio screen-audio', async () => {
    const { harness, connection } = await connectAlice(cloud)
    const bob = await harness.joinRemote('standup', 'bob')
    const sources: string[] = []
    connection.on('track-subscribed', ({ track }) => sources.push(`${track.kind} ${track.source}`))
    await bob.room.localParticipant.setScreenShareEnabled(true, { audio: true })
    await waitFor(() => expect(sources.sort()).toEqual(['audio screen-audio', 'video screen']))
    await connection.disconnect()
    await bob.leave()
  })

  it("participant-updated carries a remote participant's name, metadata and attributes once per update, and participants() lists the new values", async () => {
    const { harness, connection } = await connectAlice(cloud)
    const bob = await harness.joinRemote('standup', 'bob')
    await waitFor(() => expect(connection.participants()).toHaveLength(1))
    const updated = vi.fn()
    connection.on('participant-updated', updated)
    await bob.updateParticipant({ name: 'Bob B.', metadata: { hand: 'raised' } })
    await waitFor(() => expect(updated).toHaveBeenCalledTimes(1))
    expect(updated.mock.calls[0]![0].participant).toMatchObject({ identity: 'bob', name: 'Bob B.', metadata: { hand: 'raised' } })
    expect(connection.participants()[0]).toMatchObject({ name: 'Bob B.', metadata: { hand: 'raised' } })
    await new RoomServiceClient(cloud.url, credentials.apiKey, credentials.apiSecret).updateParticipant('standup', 'bob', { attributes: { seat: '4' } })
    await waitFor(() => expect(updated).toHaveBeenCalledTimes(2))
    expect(updated.mock.calls[1]![0].raw).toMatchObject({ identity: 'bob', attributes: { seat: '4' } })
    await connection.disconnect()
    await bob.leave()
  })
  it('a grant that stops publishing makes the participant a subscriber (participant-updated); permissions unchanged say nothing', async () => {
    const { harness, connection } = await connectAlice(cloud)
    const bob = await harness.joinRemote('standup', 'bob')
    await waitFor(() => expect(connection.participants()).toHaveLength(1))
    const updated = vi.fn()
    connection.on('participant-updated', updated)
    const rooms = new RoomServiceClient(cloud.url, credentials.apiKey, credentials.apiSecret)
    await rooms.updateParticipant('standup', 'bob', { permission: { canPublish: false, canSubscribe: true, canPublishData: true } })
    await waitFor(() => expect(updated).toHaveBeenCalledTimes(1))
    expect(updated.mock.calls[0]![0].participant).toMatchObject({ identity: 'bob', role: 'subscriber' })
    expect(connection.participants()[0]!.role).toBe('subscriber')
    await rooms.updateParticipant('standup', 'bob', { permission: { canPublish: false, canSubscribe: true, canPublishData: true } })
    await rooms.updateParticipant('standup', 'bob', { permission: { canPublish: true, canSubscribe: true, canPublishData: true } })
    await waitFor(() => expect(updated).toHaveBeenCalledTimes(2))
    expect(updated.mock.calls[1]![0].participant.role).toBe('publisher')
    await connection.disconnect()
    await bob.leave()
  })
})

describe('data', () => {
  it('sendData reaches everyone, or only the identities of to (destinationIdentities), as reliable packets; received text is decoded', async () => {
    const { harness, connection } = await connectAlice(cloud)
    const bob = await harness.joinRemote('standup', 'bob')
    const carol = await harness.joinRemote('standup', 'carol')
    await connection.sendData('to all')
    await connection.sendData('to carol', { to: ['carol'] })
    await waitFor(() => expect(carol.received).toEqual(['to all', 'to carol']))
    expect(bob.received).toEqual(['to all'])
    const received = waitForEvent(connection, 'data-received')
    await bob.sendData('héllo ✓')
    const [event] = await received
    expect(event).toMatchObject({ data: 'héllo ✓', participant: { identity: 'bob' } })
    await connection.disconnect()
    await expectCallportError(connection.sendData('after'), ['CONNECTION_FAILED'])
    await bob.leave()
    await carol.leave()
  })

  it('with dataTopic, sends with that topic and receives only packets of it', async () => {
    const { harness, connection } = await connectAlice(cloud, {}, { dataTopic: 'chat' })
    const bob = await harness.joinRemote('standup', 'bob')
    const topics: Array<string | undefined> = []
    bob.room.on('dataReceived', (_payload: Uint8Array, _participant: unknown, _kind: unknown, topic?: string) => topics.push(topic))
    await connection.sendData('hi')
    await waitFor(() => expect(topics).toEqual(['chat']))
    const received = vi.fn()
    connection.on('data-received', received)
    await bob.room.localParticipant.publishData(new TextEncoder().encode('agent'), { reliable: true, topic: 'agent' })
    await bob.room.localParticipant.publishData(new TextEncoder().encode('no topic'), { reliable: true })
    await bob.room.localParticipant.publishData(new TextEncoder().encode('chat'), { reliable: true, topic: 'chat' })
    await waitFor(() => expect(received).toHaveBeenCalledTimes(1))
    expect(received.mock.calls[0]![0].data).toBe('chat')
    await connection.disconnect()
    await bob.leave()
  })
})

describe('moderation and the end of a call', () => {
  for (const kind of ['audio', 'video'] as const) {
    const source = kind === 'audio' ? 'microphone' : 'camera'
    it(`a moderator mute of the ${source} livekit-client captured is muted-by-moderator (${kind}); the participant's own mute is not`, async () => {
      const { harness, connection, room } = await connectAlice(cloud, { [kind]: true })
      const setEnabled = (enabled: boolean) => (kind === 'audio' ? connection.setMicrophoneEnabled(enabled) : connection.setCameraEnabled(enabled))
      const moderated = vi.fn()
      connection.on('muted-by-moderator', moderated)
      await setEnabled(false)
      await setEnabled(true)
      const muted = waitForEvent(connection, 'muted-by-moderator')
      await harness.muteParticipant('standup', 'alice', kind)
      expect((await muted)[0].kind).toBe(kind)
      expect(moderated).toHaveBeenCalledTimes(1)
      await setEnabled(true)
      expect(room.localParticipant.getTrackPublication(source as never)?.isMuted).toBe(false)
      await connection.disconnect()
    })
  }

  it('removed by the server: disconnected (removed), tracks the adapter captured stopped, the page’s kept', async () => {
    const camera = preview('video', 'camera-1')
    const { harness, connection } = await connectAlice(cloud, { audio: true, video: true, tracks: [camera] })
    const disconnected = waitForEvent(connection, 'disconnected')
    await harness.removeParticipant('standup', 'alice')
    expect((await disconnected)[0]).toMatchObject({ reason: 'removed', raw: DisconnectReason.PARTICIPANT_REMOVED })
    expect(camera.mediaStreamTrack.readyState).toBe('live')
    expect(harness.media.captured.map((track) => [track.kind, track.readyState])).toEqual([['audio', 'ended']])
    await connection.disconnect()
  })

  it('the room deleted: disconnected (room-closed); a duplicate identity: duplicate-identity', async () => {
    const { harness, connection } = await connectAlice(cloud)
    const duplicated = waitForEvent(connection, 'disconnected')
    const second = await livekit({ sdk: harness.sdk }).connect(await harness.issue('standup', 'alice'), joinOptions())
    expect((await duplicated)[0].reason).toBe('duplicate-identity')
    const closed = waitForEvent(second, 'disconnected')
    await harness.server.closeRoom!({ room: harness.callportRoom('standup') })
    expect((await closed)[0].reason).toBe('room-closed')
  })

  it("livekit-client's reconnection is reconnecting / reconnected; giving up is disconnected (connection-lost)", async () => {
    const { connection, room } = await connectAlice(cloud)
    const events: string[] = []
    connection.on('reconnecting', (event) => events.push(`reconnecting ${event.reason}`))
    connection.on('reconnected', () => events.push('reconnected'))
    connection.on('disconnected', (event) => events.push(`disconnected ${event.reason}`))
    room.interrupt()
    room.restore()
    room.interrupt()
    room.drop(undefined as unknown as DisconnectReason)
    await waitFor(() => expect(events).toEqual(['reconnecting connection-lost', 'reconnected', 'reconnecting connection-lost', 'disconnected connection-lost']))
  })

  it('disconnect emits no disconnected event and is idempotent', async () => {
    const { connection, room } = await connectAlice(cloud)
    const disconnected = vi.fn()
    connection.on('disconnected', disconnected)
    await connection.disconnect()
    await connection.disconnect()
    room.emit('disconnected', DisconnectReason.ROOM_DELETED)
    expect(disconnected).not.toHaveBeenCalled()
  })
})

describe('with createSession', () => {
  /** A session of alice with the LiveKit adapter; `lifetime` is the lifetime the session is told of the first token (the JWT itself, and later tokens, last 10 minutes). */
  function session(harness: ReturnType<typeof createClientHarness>, issued: Token[], lifetime = 600_000) {
    return createSession({
      adapters: [livekit({ sdk: harness.sdk })],
      token: async ({ room }) => {
        const token = await harness.issue(room, 'alice')
        issued.push(token)
        return issued.length === 1 ? { ...token, expiresAt: new Date(Date.now() + lifetime).toISOString() } : token
      },
      refreshLeadSeconds: 1,
      reconnect: { maximumAttempts: 2, initialDelay: 1, maximumDelay: 1 },
    })
  }

  it('refreshes the token while LiveKit keeps the call (no updateToken), and the next join takes the refreshed token', async () => {
    const harness = createClientHarness(cloud)
    const issued: Token[] = []
    const calls = session(harness, issued, 1100)
    await calls.join('standup', { audio: false, video: false })
    await waitForEvent(calls, 'token-refreshed', { timeoutMilliseconds: 3000 })
    expect(calls.state).toBe('connected')
    expect(harness.sdk.rooms.map((room) => String(room.state))).toEqual(['connected'])
    const fetched = issued.length
    const reconnected = waitForEvent(calls, 'reconnected', { timeoutMilliseconds: 3000 })
    harness.roomOf('standup', 'alice')!.drop(undefined as unknown as DisconnectReason)
    await reconnected
    expect(issued, 'the reconnection used the token the refresh fetched').toHaveLength(fetched)
    expect(harness.sdk.rooms.map((room) => String(room.state))).toEqual(['disconnected', 'connected'])
    await calls.leave()
  })

  it('rejoins after a server shutdown; ends the call after a removal', async () => {
    const harness = createClientHarness(cloud)
    const calls = session(harness, [])
    await calls.join('standup', { audio: false, video: false })
    const reconnected = waitForEvent(calls, 'reconnected', { timeoutMilliseconds: 3000 })
    harness.roomOf('standup', 'alice')!.drop(DisconnectReason.SERVER_SHUTDOWN)
    await reconnected
    expect(calls.state).toBe('connected')
    const ended = waitForEvent(calls, 'disconnected')
    await harness.removeParticipant('standup', 'alice')
    expect((await ended)[0].reason).toBe('removed')
    expect(calls.state).toBe('disconnected')
  })
})

describe('errors and reasons', () => {
  it("maps every DisconnectReason of livekit-client's protocol to a contract reason", () => {
    const expected: Record<string, string> = {
      UNKNOWN_REASON: 'unknown',
      CLIENT_INITIATED: 'client-initiated',
      DUPLICATE_IDENTITY: 'duplicate-identity',
      SERVER_SHUTDOWN: 'server-shutdown',
      PARTICIPANT_REMOVED: 'removed',
      ROOM_DELETED: 'room-closed',
      STATE_MISMATCH: 'connection-lost',
      JOIN_FAILURE: 'join-failed',
      MIGRATION: 'server-shutdown',
      SIGNAL_CLOSE: 'connection-lost',
      ROOM_CLOSED: 'room-closed',
      USER_UNAVAILABLE: 'join-failed',
      USER_REJECTED: 'unauthorized',
      SIP_TRUNK_FAILURE: 'join-failed',
      CONNECTION_TIMEOUT: 'connection-lost',
      MEDIA_FAILURE: 'connection-lost',
      AGENT_ERROR: 'unknown',
    }
    const names = Object.keys(DisconnectReason).filter((key) => Number.isNaN(Number(key)))
    expect(names.sort()).toEqual(Object.keys(expected).sort())
    for (const name of names) expect(disconnectReasonOf(DisconnectReason[name as keyof typeof DisconnectReason]), name).toBe(expected[name])
    for (const name of names) expect(disconnectReasons).toContain(disconnectReasonOf(DisconnectReason[name as keyof typeof DisconnectReason]))
    expect(disconnectReasonOf(undefined), 'livekit-client gave up reconnecting').toBe('connection-lost')
    expect(disconnectReasonOf(999)).toBe('unknown')
  })

  it('maps ConnectionError of livekit-client 2.22 and 2.5.0 to Callport codes', () => {
    const cases: Array<[unknown, string]> = [
      [ConnectionError.notAllowed('invalid token: token is expired (exp)', 401), 'TOKEN_EXPIRED'],
      [ConnectionError.notAllowed('invalid token', 401), 'UNAUTHORIZED'],
      [ConnectionError.notAllowed('no permissions to access the room', 403), 'FORBIDDEN'],
      [ConnectionError.notAllowed('requested room does not exist', 404), 'ROOM_NOT_FOUND'],
      [ConnectionError.serverUnreachable('could not establish signal connection'), 'PROVIDER_UNAVAILABLE'],
      [ConnectionError.cancelled('Client initiated disconnect'), 'ABORTED'],
      [ConnectionError.leaveRequest('leave while joining', DisconnectReason.ROOM_DELETED), 'ROOM_NOT_FOUND'],
      [ConnectionError.leaveRequest('leave while joining', DisconnectReason.JOIN_FAILURE), 'PROVIDER_REJECTED'],
      [ConnectionError.timeout('room connection has timed out'), 'CONNECTION_FAILED'],
      [ConnectionError.websocket('websocket error'), 'CONNECTION_FAILED'],
      [ConnectionError.internal('could not establish pc connection'), 'CONNECTION_FAILED'],
      [ConnectionError.serviceNotFound('v1 RTC path not found', 'v0-rtc'), 'PROVIDER_REJECTED'],
      [new OldestConnectionError('invalid token', 0, 401), 'UNAUTHORIZED'],
      [new OldestConnectionError('could not establish signal connection', 1), 'PROVIDER_UNAVAILABLE'],
      [new OldestConnectionError('could not establish pc connection', 2), 'CONNECTION_FAILED'],
      [Object.assign(new DOMException('Permission denied', 'NotAllowedError')), 'PERMISSION_DENIED'],
      [new Error('something else'), 'CONNECTION_FAILED'],
    ]
    for (const [error, code] of cases) expect(errorFromLiveKit(error), String((error as Error).message)).toMatchObject({ code, provider: 'livekit', cause: error })
  })
})

describe('capabilities', () => {
  it('declares what the tests of this file and the conformance suite prove, and the adapter carries them', () => {
    const adapter = livekit({ sdk: createClientHarness(cloud).sdk })
    expect(adapter.capabilities).toEqual(liveKitClientCapabilities)
    expect(liveKitClientCapabilities).toMatchObject({ media: 'tracks', updateToken: false, sendData: true, remoteMute: true, participantUpdates: true, prepare: true })
    expect(typeof adapter.prepare).toBe('function')
  })
})
