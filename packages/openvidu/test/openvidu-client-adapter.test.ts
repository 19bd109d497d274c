import type { ClientConnection, ConnectOptions, Token, TrackEvent } from '@callport/core'
import { waitForEvent } from '@callport/testkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openvidu } from '../src/client/index'
import { OpenViduConnectParametersSchema } from '../src/shared/connect-parameters'
import { startClientHarness, type ClientHarness } from './client-harness'
import { FakeMediaDevices, type FakeMediaStreamTrack } from './fake-media-devices'
import { FakeOpenViduBrowser, FakePublisher, receivedSignalEvent, signalWireType, type FakeSession } from './fake-openvidu-browser'
import { useMswServer } from './msw-server'
import { rejection } from './server-harness'

const msw = useMswServer()
let harness: ClientHarness
let devices: FakeMediaDevices
const open: ClientConnection[] = []

beforeEach(() => {
  harness = startClientHarness(msw)
  FakeOpenViduBrowser.instances.length = 0
  devices = new FakeMediaDevices()
  vi.stubGlobal('navigator', { mediaDevices: devices })
})
afterEach(async () => {
  for (const connection of open.splice(0)) await connection.disconnect()
  vi.unstubAllGlobals()
})

const options = (token: Token, extra: Partial<ConnectOptions> = {}): ConnectOptions => ({
  audio: false,
  video: false,
  refreshToken: async () => token,
  ...extra,
})

async function join(room: string, who: Parameters<ClientHarness['tokenFor']>[1] = 'alice', extra: Partial<ConnectOptions> = {}) {
  const token = await harness.tokenFor(room, who)
  const connection = await openvidu({ sdk: harness.media.OpenVidu }).connect(token, options(token, extra))
  open.push(connection)
  const browser = FakeOpenViduBrowser.instances.at(-1)!
  return { connection, token, browser, session: browser.sessions.at(-1)! }
}

/** A remote page publishing camera and microphone. */
async function publishBoth(session: FakeSession): Promise<FakePublisher> {
  const publisher = new FakePublisher({})
  await session.publish(publisher as never)
  return publisher
}

describe('connect', () => {
  it('joins with the token string and takes the local participant from the token', async () => {
    const { connection, token, session } = await join('standup', { identity: 'alice', name: 'Alice', role: 'moderator' })
    const { connectionId } = OpenViduConnectParametersSchema.parse(token.connect)
    expect(connection.localParticipant).toEqual({ identity: 'alice', name: 'Alice', role: 'moderator', providerParticipantId: connectionId })
    expect(session.connection?.connectionId).toBe(connectionId)
    expect(harness.rest.sessions.get('standup')?.connections.get(connectionId)?.json.status).toBe('active')
  })

  it('lists who is already there, by the identity in their server data, not itself', async () => {
    await harness.joinRemote('standup', { identity: 'bob', name: 'Bob', role: 'subscriber', metadata: { desk: 4 } })
    const { connection } = await join('standup')
    expect(connection.participants()).toEqual([
      { identity: 'bob', name: 'Bob', role: 'subscriber', metadata: { desk: 4 }, providerParticipantId: expect.stringMatching(/^con_/) },
    ])
  })

  it("refuses a token OpenVidu did not issue with UNAUTHORIZED, keeping openvidu-server's error as cause", async () => {
    const token = await harness.tokenFor('standup', 'alice')
    const forged = { ...token, value: token.value.replace(/tok_\w+$/, 'tok_Forged0000000000') }
    const error = await rejection(openvidu({ sdk: harness.media.OpenVidu }).connect(forged, options(forged)), 'UNAUTHORIZED')
    expect(error.cause).toMatchObject({ code: 401 })
    expect(error.retryable).toBe(true)
  })

  it("refuses a token of another provider, or without OpenVidu's token, with INVALID_INPUT before loading anything", async () => {
    const token = await harness.tokenFor('standup', 'alice')
    const adapter = openvidu({ sdk: harness.media.OpenVidu })
    await rejection(adapter.connect({ ...token, provider: 'twilio' }, options(token)), 'INVALID_INPUT')
    await rejection(adapter.connect({ ...token, value: 'tok_only' }, options(token)), 'INVALID_INPUT')
    expect(FakeOpenViduBrowser.instances).toEqual([])
  })

  it('an abort while connecting rejects with ABORTED and leaves the session', async () => {
    const token = await harness.tokenFor('standup', 'alice')
    const controller = new AbortController()
    const connecting = openvidu({ sdk: harness.media.OpenVidu }).connect(token, options(token, { signal: controller.signal }))
    controller.abort()
    await rejection(connecting, 'ABORTED')
    await vi.waitFor(() => expect(harness.media.rooms.get('standup')?.size ?? 0).toBe(0))
  })

  it('an abort while openvidu-browser is still joining: ABORTED at once, and the session is left once it has joined', async () => {
    const token = await harness.tokenFor('standup', 'alice')
    const controller = new AbortController()
    const sessions: FakeSession[] = []
    // The page gives up right after openvidu-browser has started joining.
    const OpenVidu = class extends harness.media.OpenVidu {
      override initSession() {
        const session = super.initSession() as unknown as FakeSession
        const connect = session.connect.bind(session)
        session.connect = (...args) => {
          const joining = connect(...args)
          controller.abort()
          return joining
        }
        sessions.push(session)
        return session as never
      }
    }
    await rejection(openvidu({ sdk: OpenVidu }).connect(token, options(token, { signal: controller.signal })), 'ABORTED')
    const [session] = sessions
    expect(session?.connection).toBeUndefined()
    // It joins after all, and is made to leave as soon as it has.
    await vi.waitFor(() => expect(session?.connection?.connectionId).toMatch(/^con_/))
    await vi.waitFor(() => expect(session?.sessionId).toBe(undefined))
    expect(harness.media.rooms.get('standup')?.size ?? 0).toBe(0)
  })

  it('productionMode calls enableProdMode', async () => {
    const token = await harness.tokenFor('standup', 'alice')
    open.push(await openvidu({ sdk: harness.media.OpenVidu, productionMode: true }).connect(token, options(token)))
    expect(FakeOpenViduBrowser.instances[0]?.productionMode).toBe(true)
  })

  it('refuses invalid options with INVALID_INPUT', () => {
    expect(() => openvidu({ publisher: { resolution: 'big' } })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })
})

describe('participants', () => {
  it('participant-joined and participant-left keep the vendor event as raw', async () => {
    const { connection } = await join('standup')
    const joined = waitForEvent(connection, 'participant-joined')
    const bob = await harness.joinRemote('standup', 'bob')
    const [{ participant, raw }] = await joined
    expect(participant.identity).toBe('bob')
    expect(raw).toMatchObject({ type: 'connectionCreated', connection: { connectionId: bob.session.connection?.connectionId } })
    const left = waitForEvent(connection, 'participant-left')
    await bob.leave()
    expect((await left)[0].raw).toMatchObject({ type: 'connectionDestroyed', reason: 'disconnect' })
  })

  it("a page of OpenVidu's samples (client data, no Callport server data) is named by its clientData", async () => {
    const { connection } = await join('standup')
    const pending = await harness.tokenFor('standup', 'ignored')
    // The samples' routes create connections with empty server data; make this one look like that.
    const { connectionId } = OpenViduConnectParametersSchema.parse(pending.connect)
    harness.rest.sessions.get('standup')!.connections.get(connectionId)!.json.serverData = ''
    const joined = waitForEvent(connection, 'participant-joined')
    await harness.joinWithToken(pending.value, { clientData: 'Participant42' })
    expect((await joined)[0].participant).toEqual({ identity: connectionId, name: 'Participant42', role: 'publisher', providerParticipantId: connectionId })
  })

  it('reads the identity from the server data when the page also sent client data ("client%/%server")', async () => {
    const { connection } = await join('standup')
    const token = await harness.tokenFor('standup', { identity: 'carol', role: 'publisher' })
    const joined = waitForEvent(connection, 'participant-joined')
    await harness.joinWithToken(token.value, { clientData: 'I am %/% not carol' })
    expect((await joined)[0].participant.identity).toBe('carol')
  })

  it('two connections of one identity are one participant, who leaves when the last one does', async () => {
    const { connection } = await join('standup')
    const joinedEvents = vi.fn()
    const leftEvents = vi.fn()
    connection.on('participant-joined', joinedEvents)
    connection.on('participant-left', leftEvents)
    const first = await harness.joinRemote('standup', 'bob')
    const second = await harness.joinRemote('standup', 'bob')
    expect(connection.participants().map((participant) => participant.identity)).toEqual(['bob'])
    await first.leave()
    expect(leftEvents).not.toHaveBeenCalled()
    await second.leave()
    expect(joinedEvents).toHaveBeenCalledTimes(1)
    expect(leftEvents).toHaveBeenCalledTimes(1)
    expect(connection.participants()).toEqual([])
  })

  it('another connection of the local identity (a second tab) is not a remote participant', async () => {
    const { connection } = await join('standup')
    await harness.joinRemote('standup', 'alice')
    expect(connection.participants()).toEqual([])
  })
})

describe('tracks', () => {
  beforeEach(() => {
    vi.stubGlobal(
      'MediaStream',
      class {
        readonly tracks: unknown[]
        constructor(tracks: unknown[]) {
          this.tracks = tracks
        }
      },
    )
  })

  const element = () => ({ autoplay: false, playsInline: false, srcObject: null as unknown, play: vi.fn(async () => undefined) }) as unknown as HTMLVideoElement

  it('subscribes to a remote stream (no openvidu-browser video element) and emits one track per kind, video first', async () => {
    const { connection, session } = await join('standup')
    const bob = await harness.joinRemote('standup', 'bob')
    const subscribed: TrackEvent[] = []
    connection.on('track-subscribed', (event) => subscribed.push(event))
    const publisher = await publishBoth(bob.session)
    await vi.waitFor(() => expect(subscribed).toHaveLength(2))
    expect(session.subscribed.map((stream) => stream.streamId)).toEqual([publisher.stream.streamId])
    expect(subscribed.map(({ track, participant }) => [track.id, track.kind, track.source, participant.identity])).toEqual([
      [`${publisher.stream.streamId}/video`, 'video', 'camera', 'bob'],
      [`${publisher.stream.streamId}/audio`, 'audio', 'microphone', 'bob'],
    ])
    expect(subscribed[0]?.raw).toMatchObject({ type: 'streamCreated' })
    const mediaTracks = publisher.stream.getMediaStream().getTracks()
    expect(subscribed.map(({ track }) => track.mediaStreamTrack)).toEqual([mediaTracks.find((t) => t.kind === 'video'), mediaTracks.find((t) => t.kind === 'audio')])
  })

  it('attach plays the track through srcObject; detach and streamDestroyed let go of the element', async () => {
    const { connection } = await join('standup')
    const bob = await harness.joinRemote('standup', 'bob')
    const subscribed = waitForEvent(connection, 'track-subscribed')
    const publisher = await publishBoth(bob.session)
    const [{ track }] = await subscribed
    const video = element()
    expect(track.attach(video)).toBe(video)
    expect(video.srcObject).toMatchObject({ tracks: [track.mediaStreamTrack] })
    expect(video.autoplay && video.playsInline).toBe(true)
    expect(track.detach(video)).toEqual([video])
    expect(video.srcObject).toBeNull()
    track.attach(video)
    const unsubscribed = vi.fn()
    connection.on('track-unsubscribed', unsubscribed)
    await bob.session.unpublish(publisher as never)
    expect(unsubscribed.mock.calls.map(([event]) => event.track.id)).toEqual([`${publisher.stream.streamId}/video`, `${publisher.stream.streamId}/audio`])
    expect(unsubscribed.mock.calls[0]?.[0].raw).toMatchObject({ type: 'streamDestroyed', reason: 'unpublish' })
    expect(video.srcObject).toBeNull()
  })

  it('streams published before joining arrive after connect has returned', async () => {
    const bob = await harness.joinRemote('standup', 'bob')
    await publishBoth(bob.session)
    const { connection } = await join('standup')
    const [{ participant, track }] = await waitForEvent(connection, 'track-subscribed')
    expect([participant.identity, track.kind]).toEqual(['bob', 'video'])
  })

  it("says each track's source from the stream's typeOfVideo: a SCREEN stream is screen and screen-audio", async () => {
    const { connection } = await join('standup')
    const bob = await harness.joinRemote('standup', 'bob')
    const subscribed: TrackEvent[] = []
    connection.on('track-subscribed', (event) => subscribed.push(event))
    await bob.publish({ videoSource: 'screen' })
    await bob.publish({ videoSource: false })
    await vi.waitFor(() => expect(subscribed).toHaveLength(3))
    expect(subscribed.map(({ track }) => [track.kind, track.source])).toEqual([
      ['video', 'screen'],
      ['audio', 'screen-audio'],
      ['audio', 'microphone'],
    ])
  })

  it('streamPropertyChanged videoActive / audioActive become track-muted / track-unmuted of the subscribed Track, the event as raw', async () => {
    const { connection } = await join('standup')
    const bob = await harness.joinRemote('standup', 'bob')
    const subscribed: TrackEvent[] = []
    connection.on('track-subscribed', (event) => subscribed.push(event))
    const publisher = await publishBoth(bob.session)
    await vi.waitFor(() => expect(subscribed).toHaveLength(2))
    const [video, audio] = subscribed.map(({ track }) => track)
    const events: Array<[string, string | undefined, string]> = []
    for (const name of ['track-muted', 'track-unmuted', 'track-unsubscribed'] as const)
      connection.on(name, (event) => events.push([name, event.track.source, event.participant.identity]))
    const muted = waitForEvent(connection, 'track-muted')
    await publisher.publishVideo(false)
    const [mutedEvent] = await muted
    expect(mutedEvent.track).toBe(video)
    expect(mutedEvent.raw).toMatchObject({ type: 'streamPropertyChanged', changedProperty: 'videoActive', newValue: false, reason: 'publishVideo' })
    const audioMuted = waitForEvent(connection, 'track-muted', { filter: (event) => event.track === audio })
    publisher.publishAudio(false)
    await audioMuted
    const unmuted = waitForEvent(connection, 'track-unmuted', { filter: (event) => event.track === audio })
    await publisher.publishVideo(true)
    publisher.publishAudio(true)
    await unmuted
    expect(events).toEqual([
      ['track-muted', 'camera', 'bob'],
      ['track-muted', 'microphone', 'bob'],
      ['track-unmuted', 'camera', 'bob'],
      ['track-unmuted', 'microphone', 'bob'],
    ])
  })

  it('a camera turned off through Callport on the other side (setCameraEnabled(false): publishVideo(false)) is track-muted, not unsubscribed', async () => {
    const { connection } = await join('standup')
    const subscribed = waitForEvent(connection, 'track-subscribed')
    const bobToken = await harness.tokenFor('standup', 'bob')
    const bob = await openvidu({ sdk: harness.media.OpenVidu }).connect(bobToken, options(bobToken, { video: true }))
    open.push(bob)
    const [{ track }] = await subscribed
    const events: string[] = []
    for (const name of ['track-muted', 'track-unmuted', 'track-unsubscribed'] as const) connection.on(name, (event) => events.push(`${name} ${event.track === track}`))
    const muted = waitForEvent(connection, 'track-muted')
    await bob.setCameraEnabled(false)
    await muted
    expect(events).toEqual(['track-muted true'])
  })

  it('a stream subscribed while its video is off is track-subscribed, then track-muted', async () => {
    const bob = await harness.joinRemote('standup', 'bob')
    await bob.publish({ audioSource: false, publishVideo: false })
    const { connection } = await join('standup')
    const events: Array<[string, string]> = []
    for (const name of ['track-subscribed', 'track-muted'] as const) connection.on(name, (event) => events.push([name, event.track.source]))
    await vi.waitFor(() => expect(events).toHaveLength(2))
    expect(events).toEqual([
      ['track-subscribed', 'camera'],
      ['track-muted', 'camera'],
    ])
  })

  it('a stream that goes away while subscribing emits nothing', async () => {
    const { connection } = await join('standup')
    const bob = await harness.joinRemote('standup', 'bob')
    const subscribed = vi.fn<(event: TrackEvent) => void>()
    connection.on('track-subscribed', subscribed)
    const gone = await publishBoth(bob.session)
    await bob.session.unpublish(gone as never)
    // openvidu-browser completes subscriptions in order: once the next stream's tracks arrive, the first subscription has completed too.
    const next = await publishBoth(bob.session)
    await vi.waitFor(() => expect(subscribed).toHaveBeenCalledTimes(2))
    expect(subscribed.mock.calls.map(([event]) => event.track.id)).toEqual([`${next.stream.streamId}/video`, `${next.stream.streamId}/audio`])
  })
})

describe('ending and reconnecting', () => {
  it.each([
    ['removeParticipant on the server (forceDisconnectByServer)', 'removed'],
    ['closeRoom on the server (sessionClosedByServer)', 'room-closed'],
  ] as const)('%s → disconnected with reason %s', async (how, reason) => {
    const { connection, token } = await join('standup')
    const disconnected = waitForEvent(connection, 'disconnected')
    const room = { name: 'standup', provider: 'openvidu', providerRoomId: token.providerRoomId }
    if (how.startsWith('removeParticipant')) await harness.server.removeParticipant!({ room, identity: 'alice' })
    else await harness.server.closeRoom!({ room })
    const [event] = await disconnected
    expect(event.reason).toBe(reason)
    expect(event.raw).toMatchObject({ type: 'sessionDisconnected' })
  })

  it('a network drop OpenVidu recovers from: reconnecting then reconnected, the call kept', async () => {
    const { connection, session } = await join('standup')
    const events: string[] = []
    connection.on('reconnecting', (event) => events.push(`reconnecting:${event.reason}:${event.attempt}`))
    connection.on('reconnected', () => events.push('reconnected'))
    connection.on('disconnected', () => events.push('disconnected'))
    session.networkDrop('reconnected')
    expect(events).toEqual(['reconnecting:connection-lost:0', 'reconnected'])
  })

  it('a network drop OpenVidu cannot recover from (networkDisconnect) → disconnected with connection-lost, so the session reconnects', async () => {
    const { connection, session } = await join('standup')
    const disconnected = waitForEvent(connection, 'disconnected')
    session.networkDrop('lost')
    expect((await disconnected)[0].reason).toBe('connection-lost')
  })

  it('disconnect leaves the session, is idempotent and emits nothing', async () => {
    const { connection } = await join('standup')
    const disconnected = vi.fn()
    connection.on('disconnected', disconnected)
    await connection.disconnect()
    await connection.disconnect()
    expect(disconnected).not.toHaveBeenCalled()
    expect(harness.media.rooms.get('standup')?.size ?? 0).toBe(0)
  })
})

describe('data', () => {
  it('sendData reaches everyone else as a signal of type callport-data, and not the sender', async () => {
    const { connection, session } = await join('standup')
    const bob = await harness.joinRemote('standup', 'bob')
    const received = vi.fn()
    connection.on('data-received', received)
    await connection.sendData('hello')
    expect(bob.receivedData()).toEqual(['hello'])
    expect(bob.session.received.at(-1)?.type).toBe('signal:callport-data')
    expect(session.received).toHaveLength(1)
    expect(received).not.toHaveBeenCalled()
  })

  it('sendData to identities reaches only them; to nobody in the room is PARTICIPANT_NOT_FOUND', async () => {
    const { connection } = await join('standup')
    const bob = await harness.joinRemote('standup', 'bob')
    const carol = await harness.joinRemote('standup', 'carol')
    await connection.sendData('for carol', { to: ['carol'] })
    expect(carol.receivedData()).toEqual(['for carol'])
    expect(bob.receivedData()).toEqual([])
    await rejection(connection.sendData('lost', { to: ['dave'] }), 'PARTICIPANT_NOT_FOUND')
    expect(bob.receivedData()).toEqual([])
  })

  it("a signal of Callport's type from someone else is data-received with its sender and the vendor event as raw", async () => {
    const { connection } = await join('standup')
    const bob = await harness.joinRemote('standup', 'bob')
    const received = waitForEvent(connection, 'data-received')
    await bob.sendData('hello from bob')
    const [event] = await received
    expect(event).toMatchObject({ data: 'hello from bob', participant: { identity: 'bob' }, raw: { type: 'signal:callport-data' } })
  })

  it("signals of other types (a samples page's chat, a type-less signal) are not data", async () => {
    const { connection } = await join('standup')
    const page = await harness.joinRemote('standup', 'bob')
    const received = vi.fn()
    connection.on('data-received', received)
    // What OpenVidu's tutorials send (openvidu-js: session.signal({ data, to: [], type: 'my-chat' })).
    await page.session.signal({ data: 'chat message', type: 'my-chat' })
    await page.session.signal({ data: 'no type' })
    await page.session.signal({ data: 'prefixed', type: 'signal:my-chat' })
    await page.sendData('callport data')
    await vi.waitFor(() => expect(received).toHaveBeenCalledTimes(1))
    expect(received).toHaveBeenCalledWith(expect.objectContaining({ data: 'callport data' }))
  })
})

/**
 * openvidu-browser 2.32.2 `Session.signal` / `Session.onNewMessage` / `SignalEvent`: the fake
 * dispatches openvidu-browser's own SignalEvent, so the type a receiver sees is the SDK's.
 */
describe("the fake's signal types are openvidu-browser's", () => {
  it.each([
    ['callport-data', 'signal:callport-data'],
    ['signal:callport-data', 'signal:callport-data'],
    [undefined, 'signal:signal'],
    ['', 'signal:signal'],
    ['signal:', 'signal'],
  ])('signal({ type: %j }) arrives as %j', (type, received) => {
    expect(receivedSignalEvent({}, signalWireType(type), 'x', undefined).type).toBe(received)
  })
})

/**
 * A token is a pending connection of one OpenVidu session and dies with it: openvidu-server closes a
 * session when its last participant leaves (`KurentoSessionManager.leaveRoom`), and `joinRoom`
 * (`RpcHandler.java`) then refuses the token with 202 ROOM_NOT_FOUND, or with 401 once a session of
 * the same id exists again. The fake answers as those do.
 */
describe('a token that died with its session', () => {
  async function staleToken(): Promise<Token> {
    const bob = await harness.joinRemote('standup', 'bob')
    const token = await harness.tokenFor('standup', 'alice')
    await bob.leave()
    expect(harness.rest.sessions.has('standup')).toBe(false)
    return token
  }

  it('the fake: the last participant leaving closes the session, and joining with its token gets 202 ROOM_NOT_FOUND', async () => {
    const token = await staleToken()
    const session = new harness.media.OpenVidu().initSession() as unknown as FakeSession
    await expect(session.connect(token.value)).rejects.toEqual({ code: 202, message: 'Unable to join session. Session standup cannot be found' })
  })

  it('202: the adapter fetches a fresh token (refreshToken) and joins with it, once', async () => {
    const stale = await staleToken()
    const refreshToken = vi.fn(async () => harness.tokenFor('standup', 'alice'))
    const connection = await openvidu({ sdk: harness.media.OpenVidu }).connect(stale, options(stale, { refreshToken }))
    open.push(connection)
    expect(refreshToken).toHaveBeenCalledTimes(1)
    const fresh = OpenViduConnectParametersSchema.parse(((await refreshToken.mock.results[0]!.value) as Token).connect)
    expect(connection.localParticipant.providerParticipantId).toBe(fresh.connectionId)
    expect(harness.rest.sessions.get('standup')?.connections.get(fresh.connectionId)?.json.status).toBe('active')
  })

  it('202 when no fresh token can be had: ROOM_NOT_FOUND, retryable (a reconnecting session tries again)', async () => {
    const stale = await staleToken()
    const error = await rejection(openvidu({ sdk: harness.media.OpenVidu }).connect(stale, options(stale, { refreshToken: async () => stale })), 'ROOM_NOT_FOUND')
    expect(error.retryable).toBe(true)
    expect(error.cause).toMatchObject({ code: 202 })
    const failing = await rejection(
      openvidu({ sdk: harness.media.OpenVidu }).connect(stale, options(stale, { refreshToken: async () => Promise.reject(new Error('offline')) })),
      'ROOM_NOT_FOUND',
    )
    expect(failing.retryable).toBe(true)
  })

  it('401 for a token of an earlier session of the same id: UNAUTHORIZED, retryable, no refresh inside the adapter', async () => {
    const stale = await staleToken()
    await harness.joinRemote('standup', 'carol')
    const refreshToken = vi.fn(async () => harness.tokenFor('standup', 'alice'))
    const error = await rejection(openvidu({ sdk: harness.media.OpenVidu }).connect(stale, options(stale, { refreshToken })), 'UNAUTHORIZED')
    expect(error.retryable).toBe(true)
    expect(error.cause).toMatchObject({ code: 401 })
    expect(refreshToken).not.toHaveBeenCalled()
  })
})

describe('camera and microphone', () => {
  const fake = (track: MediaStreamTrack | undefined): FakeMediaStreamTrack => track as unknown as FakeMediaStreamTrack

  it('joining with audio and video captures both with captureUserMedia (one getUserMedia) and publishes one publisher made of copies of those tracks', async () => {
    const { connection, browser, session } = await join('standup', 'alice', { audio: true, video: true })
    const [publisher] = browser.publishers
    expect(devices.requests).toEqual([{ audio: true, video: true }])
    const local = connection.localTracks()
    expect(local.map((track) => [track.kind, track.source, track.deviceId])).toEqual([
      ['video', 'camera', 'camera-1'],
      ['audio', 'microphone', 'mic-1'],
    ])
    expect(publisher?.properties).toMatchObject({ publishAudio: true, publishVideo: true })
    // openvidu-browser gets clones (it stops what it publishes), never the tracks listed.
    const sent = [publisher?.properties.videoSource, publisher?.properties.audioSource] as MediaStreamTrack[]
    expect(sent.map((track) => fake(track).deviceId)).toEqual(['camera-1', 'mic-1'])
    for (const track of local) expect(sent).not.toContain(track.mediaStreamTrack)
    expect(publisher?.stream.typeOfVideo).toBe('CUSTOM')
    expect([...session.publishers]).toEqual([publisher])
  })

  it('emits local-track-published for each source turned on, and local-track-unpublished when turned off', async () => {
    const { connection } = await join('standup')
    const events: string[] = []
    connection.on('local-track-published', ({ track }) => events.push(`published ${track.source} ${track.id}`))
    connection.on('local-track-unpublished', ({ track }) => events.push(`unpublished ${track.source} ${track.id}`))
    await connection.setMicrophoneEnabled(true)
    await connection.setCameraEnabled(true)
    const [camera] = connection.localTracks().filter((track) => track.source === 'camera')
    const [microphone] = connection.localTracks().filter((track) => track.source === 'microphone')
    await connection.setCameraEnabled(false)
    await connection.setMicrophoneEnabled(false)
    expect(connection.localTracks()).toEqual([])
    expect(events).toEqual([
      `published microphone ${microphone!.id}`,
      `published camera ${camera!.id}`,
      `unpublished camera ${camera!.id}`,
      `unpublished microphone ${microphone!.id}`,
    ])
  })

  it('the toggles are publishAudio / publishVideo; turning the camera off releases it, on again captures a new camera put back with publishVideo(true, track)', async () => {
    const { connection, browser } = await join('standup', 'alice', { audio: true, video: true })
    const publisher = browser.publishers[0]!
    const [firstCamera] = connection.localTracks()
    await connection.setMicrophoneEnabled(false)
    await connection.setCameraEnabled(false)
    expect([publisher.audioActive, publisher.videoActive, publisher.cameraReleased]).toEqual([false, false, true])
    // The adapter captured the camera: it stops it (the light goes off); openvidu-browser stopped its copy.
    expect(fake(firstCamera!.mediaStreamTrack).stopped).toBe(true)
    expect(devices.liveTracks('camera-1')).toEqual([])
    await connection.setCameraEnabled(true)
    expect([publisher.videoActive, publisher.cameraReleased]).toEqual([true, false])
    expect(browser.publishers).toHaveLength(1)
    const camera = connection.localTracks().find((track) => track.source === 'camera')!
    expect(camera.id).not.toBe(firstCamera!.id)
    expect(publisher.tracks.find((track) => track.kind === 'video')?.readyState).toBe('live')
  })

  it('turning on a source the publisher lacks replaces it with one that has both', async () => {
    const { connection, browser, session } = await join('standup', 'alice', { audio: true, video: false })
    const first = browser.publishers[0]!
    expect(first.properties).toMatchObject({ videoSource: false })
    await connection.setCameraEnabled(true)
    const second = browser.publishers[1]!
    expect(second.properties).toMatchObject({ publishAudio: true, publishVideo: true })
    expect(second.tracks.map((track) => track.kind).sort()).toEqual(['audio', 'video'])
    expect([...session.publishers]).toEqual([second])
    // The microphone is the same track (a new copy for the new publisher), still live.
    expect(connection.localTracks().map((track) => track.mediaStreamTrack.readyState)).toEqual(['live', 'live'])
  })

  it('nothing is published until a source is turned on', async () => {
    const { connection, browser } = await join('standup')
    await connection.setMicrophoneEnabled(false)
    expect(browser.publishers).toEqual([])
    await connection.setMicrophoneEnabled(true)
    expect(browser.publishers[0]?.properties).toMatchObject({ videoSource: false, publishAudio: true, publishVideo: false })
  })

  it('a subscriber joins without publishing, and may not turn a source on (FORBIDDEN)', async () => {
    const { connection, browser } = await join('standup', { identity: 'viewer', role: 'subscriber' }, { audio: true, video: true })
    expect(browser.publishers).toEqual([])
    await rejection(connection.setCameraEnabled(true), 'FORBIDDEN')
    await connection.setCameraEnabled(false)
  })

  it.each([
    ['NotAllowedError', 'PERMISSION_DENIED'],
    ['NotReadableError', 'DEVICE_IN_USE'],
    ['NotFoundError', 'DEVICE_NOT_FOUND'],
  ] as const)('%s while capturing at join: %s (core media error), and the session is left', async (name, code) => {
    const token = await harness.tokenFor('standup', 'alice')
    devices.failNext = name
    const error = await rejection(openvidu({ sdk: harness.media.OpenVidu }).connect(token, options(token, { video: true })), code)
    expect(error.provider).toBe('openvidu')
    expect(harness.media.rooms.get('standup')?.size ?? 0).toBe(0)
  })

  it('asks the camera for the publisher resolution and frame rate, and passes the publisher options to initPublisherAsync', async () => {
    const token = await harness.tokenFor('standup', 'alice')
    open.push(
      await openvidu({ sdk: harness.media.OpenVidu, publisher: { resolution: '1280x720', frameRate: 15, mirror: false } }).connect(token, options(token, { video: true })),
    )
    expect(devices.requests).toEqual([{ audio: false, video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 15 } } }])
    expect(FakeOpenViduBrowser.instances[0]?.publishers[0]?.properties).toMatchObject({ resolution: '1280x720', frameRate: 15, mirror: false })
  })
})

describe('the page preview (ConnectOptions.tracks)', () => {
  const fake = (track: MediaStreamTrack | undefined): FakeMediaStreamTrack => track as unknown as FakeMediaStreamTrack
  const preview = async (constraints: { audio?: boolean; video?: boolean }) => {
    const { captureUserMedia } = await import('@callport/core')
    return captureUserMedia(constraints)
  }

  it('publishes copies of the preview tracks without capturing, lists the preview tracks, and never stops them', async () => {
    const tracks = await preview({ audio: true, video: true })
    devices.requests.length = 0
    const { connection, browser } = await join('standup', 'alice', { audio: true, video: true, tracks })
    expect(devices.requests).toEqual([])
    expect(connection.localTracks()).toEqual(tracks)
    const publisher = browser.publishers[0]!
    expect(publisher.tracks.map((track) => fake(track).deviceId).sort()).toEqual(['camera-1', 'mic-1'])
    for (const track of tracks) expect(publisher.tracks).not.toContain(track.mediaStreamTrack)
    await connection.setCameraEnabled(false)
    await connection.setMicrophoneEnabled(false)
    // Camera on again: the preview still lives, so it is published again, with no capture.
    await connection.setCameraEnabled(true)
    expect(devices.requests).toEqual([])
    expect(connection.localTracks()).toEqual([tracks[0]])
    await connection.disconnect()
    // openvidu-browser stopped its copies; the page's tracks are the page's.
    for (const track of tracks) expect(fake(track.mediaStreamTrack).stopped).toBe(false)
    for (const track of publisher.tracks) expect(track.readyState).toBe('ended')
  })

  it('captures only the kind the preview lacks', async () => {
    const tracks = await preview({ video: true })
    devices.requests.length = 0
    const { connection } = await join('standup', 'alice', { audio: true, video: true, tracks })
    expect(devices.requests).toEqual([{ audio: true, video: false }])
    expect(connection.localTracks()[0]).toBe(tracks[0])
    expect(connection.localTracks().map((track) => track.source)).toEqual(['camera', 'microphone'])
  })
})

describe('switchDevice and unplugged devices', () => {
  it('switchDevice captures from the device and replaceTracks it; the old track is stopped (captured) and the new one listed', async () => {
    const { connection, browser } = await join('standup', 'alice', { audio: true, video: true })
    const publisher = browser.publishers[0]!
    const [oldCamera] = connection.localTracks()
    const events: string[] = []
    connection.on('active-device-changed', (event) => events.push(`${event.kind} ${event.deviceId} ${event.reason}`))
    connection.on('local-track-unpublished', ({ track }) => events.push(`unpublished ${track.deviceId}`))
    connection.on('local-track-published', ({ track }) => events.push(`published ${track.deviceId}`))
    await connection.switchDevice('camera', 'camera-2')
    await connection.switchDevice('microphone', 'mic-2')
    expect(devices.requests.slice(1)).toEqual([
      { audio: false, video: { deviceId: { exact: 'camera-2' } } },
      { audio: { deviceId: { exact: 'mic-2' } }, video: false },
    ])
    expect(connection.localTracks().map((track) => track.deviceId)).toEqual(['camera-2', 'mic-2'])
    expect(publisher.tracks.map((track) => (track as unknown as FakeMediaStreamTrack).deviceId)).toEqual(['camera-2', 'mic-2'])
    expect((oldCamera!.mediaStreamTrack as unknown as FakeMediaStreamTrack).stopped).toBe(true)
    expect(events).toEqual(['unpublished camera-1', 'published camera-2', 'camera camera-2 switched', 'unpublished mic-1', 'published mic-2', 'microphone mic-2 switched'])
    expect(browser.publishers).toHaveLength(1)
  })

  it('switchDevice: DEVICE_NOT_FOUND for a device the browser lacks (the track in use stays); with the camera off, the choice applies when it is turned on', async () => {
    const { connection } = await join('standup', 'alice', { audio: true })
    await rejection(connection.switchDevice('microphone', 'no-such-mic'), 'DEVICE_NOT_FOUND')
    expect(connection.localTracks().map((track) => [track.deviceId, track.mediaStreamTrack.readyState])).toEqual([['mic-1', 'live']])
    const changed = vi.fn()
    connection.on('active-device-changed', changed)
    await connection.switchDevice('camera', 'camera-2')
    expect(changed).toHaveBeenCalledWith({ kind: 'camera', deviceId: 'camera-2', reason: 'switched', raw: undefined })
    await connection.setCameraEnabled(true)
    expect(connection.localTracks().find((track) => track.source === 'camera')?.deviceId).toBe('camera-2')
    await rejection(connection.switchDevice('speaker', 'speaker-1'), 'UNSUPPORTED')
  })

  it('an unplugged device in use is replaced by the default one, with active-device-changed (unplugged)', async () => {
    const { connection, browser } = await join('standup', 'alice', { audio: true, video: true })
    await connection.switchDevice('camera', 'camera-2')
    const unplugged = waitForEvent(connection, 'active-device-changed', { filter: (event) => event.reason === 'unplugged' })
    devices.unplug('camera-2')
    expect((await unplugged)[0]).toEqual({ kind: 'camera', deviceId: 'camera-1', reason: 'unplugged', raw: undefined })
    expect(connection.localTracks().find((track) => track.source === 'camera')?.deviceId).toBe('camera-1')
    expect(browser.publishers[0]!.tracks.find((track) => track.kind === 'video')?.readyState).toBe('live')
  })
})

describe('active speakers, connection quality, the vendor object, prepare', () => {
  it('publisherStartSpeaking / publisherStopSpeaking → active-speakers-changed: who speaks, the latest to start first, level 1; the local participant too', async () => {
    const { connection, session } = await join('standup', 'alice', { audio: true })
    const bob = await harness.joinRemote('standup', 'bob')
    const carol = await harness.joinRemote('standup', 'carol')
    await vi.waitFor(() => expect(connection.participants()).toHaveLength(2))
    const lists: string[][] = []
    connection.on('active-speakers-changed', ({ speakers }) => lists.push(speakers.map(({ participant, level }) => `${participant.identity}:${level}`)))
    await bob.setSpeaking(0.5)
    await carol.setSpeaking(0.9)
    session.speakingEvent('publisherStartSpeaking', session.connection!, 'str_local')
    // The same start twice changes nothing.
    session.speakingEvent('publisherStartSpeaking', session.connection!, 'str_local')
    await bob.setSpeaking(0)
    await carol.leave()
    // Carol left: she is no longer a speaker.
    expect(lists).toEqual([['bob:1'], ['carol:1', 'bob:1'], ['alice:1', 'carol:1', 'bob:1'], ['alice:1', 'carol:1'], ['alice:1']])
  })

  it('networkQualityLevelChanged → connection-quality-changed with the networkQuality option only (5/4 excellent, 3 good, 2/1 poor, 0 lost), on change', async () => {
    const { connectionQualityOfLevel } = await import('../src/client/openvidu-connection')
    expect([5, 4, 3, 2, 1, 0, 6, -1, 2.5, undefined].map(connectionQualityOfLevel)).toEqual([
      'excellent',
      'excellent',
      'good',
      'poor',
      'poor',
      'lost',
      undefined,
      undefined,
      undefined,
      undefined,
    ])
    expect(openvidu().capabilities).not.toHaveProperty('connectionQuality')
    expect(openvidu({ networkQuality: true }).capabilities.connectionQuality).toBe(true)

    const token = await harness.tokenFor('standup', 'alice')
    const connection = await openvidu({ sdk: harness.media.OpenVidu, networkQuality: true }).connect(token, options(token))
    open.push(connection)
    const session = FakeOpenViduBrowser.instances.at(-1)!.sessions.at(-1)!
    const bob = await harness.joinRemote('standup', 'bob')
    await vi.waitFor(() => expect(connection.participants()).toHaveLength(1))
    const seen: string[] = []
    connection.on('connection-quality-changed', ({ participant, local, quality }) => seen.push(`${participant.identity} ${local} ${quality}`))
    bob.setNetworkQualityLevel(2)
    bob.setNetworkQualityLevel(1)
    bob.setNetworkQualityLevel(5)
    session.networkQualityEvent(session.connection!, 3, 5)
    expect(seen).toEqual(['bob false poor', 'bob false excellent', 'alice true good'])

    // Without the option the event is not listened to.
    const { connection: plain } = await join('standup', 'carol')
    const ignored = vi.fn()
    plain.on('connection-quality-changed', ignored)
    bob.setNetworkQualityLevel(0)
    expect(ignored).not.toHaveBeenCalled()
  })

  it("connection.vendor is the call's openvidu-browser Session", async () => {
    const { connection, session } = await join('standup')
    expect(connection.vendor).toBe(session)
  })

  it('prepare loads openvidu-browser (with or without a token) and never joins; the capabilities say prepare, localTracks and switchDevice camera/microphone', async () => {
    const loader = vi.fn(async () => ({ OpenVidu: harness.media.OpenVidu }))
    const adapter = openvidu({ sdk: loader })
    expect(adapter.capabilities).toMatchObject({ prepare: true, localTracks: true, switchDevice: ['camera', 'microphone'], activeSpeakers: true })
    expect(adapter.capabilities).not.toHaveProperty('screenShare')
    await adapter.prepare!(undefined)
    const token = await harness.tokenFor('standup', 'alice')
    await adapter.prepare!(token)
    expect(loader).toHaveBeenCalledTimes(2)
    expect(harness.media.rooms.get('standup')?.size ?? 0).toBe(0)
    const aborted = new AbortController()
    aborted.abort()
    await rejection(adapter.prepare!(undefined, { signal: aborted.signal }), 'ABORTED')
    // Without openvidu-browser, prepare fails as connect would (UNSUPPORTED), which only costs the head start.
    await rejection(openvidu().prepare!(undefined), 'UNSUPPORTED')
  })
})
