import type { ConnectionQuality, Room, Token, TrackKind } from '@callport/core'
import { createFakeMediaDevices, FakeMediaStreamTrack, type FakeMediaDevices } from '@callport/test-environment'
import { expectCallportError, runClientAdapterSuite, waitForEvent } from '@callport/testkit'
import type { JanusJS } from 'janus-gateway'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { janus as janusClient } from '../src/client/index'
import { LIVE_DESCRIPTION, MUTED_DESCRIPTION } from '../src/client/published-streams'
import type { JanusRemoteTrack } from '../src/client/remote-track'
import { janus as janusServer } from '../src/server/index'
import { signJanusToken, videoRoomIdOf } from '../src/server/signed-tokens'
import { encodeJanusDisplay, joinJanusTokenValue, splitJanusTokenValue } from '../src/shared/connect-parameters'
import { createFakeJanusJs, goodNetwork, type FakeJanusHandle, type FakeJanusJs, type FakeJanusSession, type FakeNetwork } from './fake-janus-js'
import { FakeJanusServer } from './fake-videoroom'

/**
 * The Janus client half over the fake janus.js (test/fake-janus-js.ts) and the fake Janus with its
 * VideoRoom (test/fake-videoroom.ts), in Node. Tokens come from the real server half, whose Janus HTTP
 * API requests (rooms, the allowed list, listparticipants, moderate) reach the same fake Janus through
 * msw; the fake checks the core and room signed tokens as Janus does. The remote participant is
 * another fake janus.js session in the same VideoRoom room, driven as a Callport page drives janus.js.
 */

const tokenSecret = 'janus-client-conformance-secret-0123456789'
const fakeJanus = new FakeJanusServer({ tokenSecret })
const http = setupServer(...fakeJanus.httpHandlers())
beforeAll(() => http.listen({ onUnhandledRequest: 'error' }))
afterAll(() => http.close())

/** What webrtc-adapter gives janus.js (`Janus.useDefaultDependencies({ adapter })`); only its shape is read. */
const webrtcAdapterStandIn = { browserDetails: { browser: 'chrome', version: 126, supportsUnifiedPlan: true } }

/** What getStats shows for each quality (on the thresholds of provider-utils' classifyConnectionQuality). */
const networkFor: Readonly<Record<ConnectionQuality, FakeNetwork>> = {
  excellent: goodNetwork,
  good: { loss: 0.02, rttMs: 200, jitterMs: 25 },
  poor: { loss: 0.1, rttMs: 500, jitterMs: 80 },
  lost: { ...goodNetwork, silent: true },
}

/** Resolves with the first message a handle receives that `accept`s, or rejects on a VideoRoom error. */
function nextMessage(messages: JanusJS.Message[], listeners: Set<() => void>, accept: (message: JanusJS.Message) => boolean): Promise<JanusJS.Message> {
  const start = messages.length
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = messages.slice(start).find((message) => accept(message) || message.error_code !== undefined)
      if (!found) return
      listeners.delete(check)
      if (found.error_code !== undefined) reject(new Error(`VideoRoom error ${String(found.error_code)}: ${String(found.error)}`))
      else resolve(found)
    }
    listeners.add(check)
  })
}

/** A VideoRoom publisher handle of a remote page, driven through janus.js as the client half drives it. */
class RemotePublisher {
  readonly messages: JanusJS.Message[] = []
  readonly #listeners = new Set<() => void>()
  id = 0

  private constructor(readonly handle: FakeJanusHandle) {}

  static async attach(session: FakeJanusSession, token: string): Promise<RemotePublisher> {
    const attached: { publisher?: RemotePublisher } = {}
    const handle = await new Promise<FakeJanusHandle>((resolve, reject) =>
      session.attach({
        plugin: 'janus.plugin.videoroom',
        token,
        success: (created) => resolve(created as unknown as FakeJanusHandle),
        error: (error) => reject(new Error(error)),
        onmessage: (message, jsep) => {
          const publisher = attached.publisher!
          publisher.messages.push(message)
          if (jsep) publisher.handle.handleRemoteJsep({ jsep })
          for (const listener of [...publisher.#listeners]) listener()
        },
      }),
    )
    attached.publisher = new RemotePublisher(handle)
    return attached.publisher
  }

  async join(room: number, display: string, roomToken: string): Promise<void> {
    const joined = nextMessage(this.messages, this.#listeners, (message) => message.videoroom === 'joined')
    this.handle.send({ message: { request: 'join', room, ptype: 'publisher', display, token: roomToken } })
    this.id = (await joined).id as number
  }

  /** createOffer with these entries, then `request` (publish / configure) with the offer; resolves once VideoRoom answered it. */
  async negotiate(request: 'publish' | 'configure', tracks: JanusJS.TrackOption[]): Promise<void> {
    const offer = await new Promise<JanusJS.JSEP>((resolve, reject) => this.handle.createOffer({ tracks, success: resolve, error: reject }))
    const configured = nextMessage(this.messages, this.#listeners, (message) => message.configured === 'ok')
    this.handle.send({ message: { request }, jsep: offer })
    await configured
  }

  /** An SDP-less `configure` (descriptions, display…); resolves once VideoRoom answered it. */
  async configure(fields: Record<string, unknown>): Promise<void> {
    const configured = nextMessage(this.messages, this.#listeners, (message) => message.configured === 'ok')
    this.handle.send({ message: { request: 'configure', ...fields } })
    await configured
  }

  async leave(): Promise<void> {
    const left = nextMessage(this.messages, this.#listeners, (message) => message.leaving === 'ok')
    this.handle.send({ message: { request: 'leave' } })
    await left
    await new Promise<void>((resolve) => this.handle.detach({ success: resolve, error: () => resolve() }))
  }
}

/** A fresh FakeJanusServer view, fake janus.js, fake devices and the server half for one test. */
function createHarness() {
  const Janus: FakeJanusJs = createFakeJanusJs(fakeJanus)
  const media: FakeMediaDevices = createFakeMediaDevices()
  vi.stubGlobal('navigator', { mediaDevices: media })
  const settings = { url: fakeJanus.url, tokenSecret, retry: { limit: 0 }, environmentVariables: {} }
  const server = janusServer(settings)
  const rooms = new Map<string, Room>()

  const roomOf = async (name: string): Promise<Room> => {
    const known = rooms.get(name)
    if (known) return known
    const room = await server.ensureRoom({ name })
    rooms.set(name, room)
    return room
  }
  const issue = async (name: string, identity: string): Promise<Token> =>
    server.issueToken({ room: await roomOf(name), participant: { identity, role: 'publisher' }, ttlSeconds: 600 })

  /** The page's janus.js session holding a publisher of `identity` in the room. */
  const sessionOf = async (name: string, identity: string): Promise<FakeJanusSession> => {
    const roomId = await videoRoomIdOf(name)
    const sessions = fakeJanus.publishersOf(roomId, identity).map((feed) => fakeJanus.sessionOfFeed(roomId, feed.id))
    const session = [...Janus.sessions].find((candidate) => sessions.includes(candidate.getSessionId()))
    if (!session) throw new Error(`${identity} has no janus.js session in ${name}`)
    return session
  }

  /** Someone else in the room: a page's janus.js session joined as a publisher of its microphone, with the suite's back doors. */
  async function joinRemote(name: string, identity: string) {
    const token = await issue(name, identity)
    const parts = splitJanusTokenValue(token.value)!
    const room = token.connect.room as number
    // The other page's janus.js, initialised as a page does (again is a no-op, as in janus.js).
    await new Promise<void>((resolve) => Janus.init({ debug: false, dependencies: Janus.useDefaultDependencies({ adapter: webrtcAdapterStandIn }), callback: resolve }))
    const session = await new Promise<FakeJanusSession>((resolve, reject) => {
      const created: FakeJanusSession = new Janus({ server: token.connect.url as string, token: parts.core, iceServers: [], success: () => resolve(created), error: reject })
    })
    let closed = false
    const camera = await RemotePublisher.attach(session, parts.core)
    await camera.join(room, encodeJanusDisplay({ identity }), parts.room)
    const microphone = new FakeMediaStreamTrack('audio', 'Remote microphone', 'remote-microphone') as unknown as MediaStreamTrack
    await camera.negotiate('publish', [{ type: 'audio', capture: microphone, recv: false }])
    await vi.waitFor(() => expect(fakeJanus.publishersOf(room, identity).some((feed) => feed.active)).toBe(true))
    let cameraTrack: MediaStreamTrack | undefined
    let screen: RemotePublisher | undefined
    return {
      async leave() {
        if (closed) return
        closed = true
        await new Promise<void>((resolve) => session.destroy({ cleanupHandles: true, success: resolve, error: () => resolve() }))
      },
      /** Adds a camera to the published microphone (a renegotiation: `configure` with a new offer), or takes it away. */
      async setCameraEnabled(enabled: boolean) {
        if (enabled) {
          cameraTrack = new FakeMediaStreamTrack('video', 'Remote camera', 'remote-camera') as unknown as MediaStreamTrack
          await camera.negotiate('configure', [{ type: 'video', capture: cameraTrack, recv: false, add: true }])
        } else if (cameraTrack) {
          await camera.negotiate('configure', [{ type: 'video', capture: false, remove: true }])
          cameraTrack = undefined
        }
      },
      /**
       * Turns the camera off or on keeping it published, as the client half does: janus.js's
       * muteVideo / unmuteVideo (black frames, which Janus does not tell anyone) and the stream's
       * description `callport:muted` / `callport:live` by an SDP-less configure, which VideoRoom
       * announces to the room's publishers.
       */
      async setCameraMuted(muted: boolean) {
        const mid = camera.handle.getLocalTracks().find((track) => track.id === cameraTrack?.id)?.mid
        if (!mid) throw new Error('no camera published to mute')
        if (muted) camera.handle.muteVideo()
        else camera.handle.unmuteVideo()
        await camera.configure({ descriptions: [{ mid, description: muted ? MUTED_DESCRIPTION : LIVE_DESCRIPTION }] })
      },
      /** A second publisher of the same identity (display source "screen") publishing the display track, as the client half shares a screen. */
      async setScreenShareEnabled(enabled: boolean) {
        if (enabled && !screen) {
          screen = await RemotePublisher.attach(session, parts.core)
          await screen.join(room, encodeJanusDisplay({ identity, source: 'screen' }), parts.room)
          const display = new FakeMediaStreamTrack('video', 'screen:0:0', undefined) as unknown as MediaStreamTrack
          await screen.negotiate('publish', [{ type: 'video', capture: display, recv: false }])
        } else if (!enabled && screen) {
          await screen.leave()
          screen = undefined
        }
      },
      /** The microphone's audio carries this level in its RTP audio-level extension, which VideoRoom averages. */
      async setSpeaking(level: number) {
        fakeJanus.setAudioLevel(room, camera.id, level)
      },
      /** This page's link shows these figures to getStats (its uplink, so also what the others receive from it). */
      async setConnectionQuality(quality: ConnectionQuality) {
        session.network = { ...networkFor[quality] }
      },
    }
  }

  /**
   * A token Janus did not sign: the issued one's core and room tokens re-signed with another secret.
   * Janus refuses the session (`create`: 403 "Unauthorized request (wrong or missing secret/token)").
   */
  async function refused(name: string, identity: string): Promise<Token> {
    const token = await issue(name, identity)
    const parts = splitJanusTokenValue(token.value)!
    const forge = (signed: string) => signJanusToken('a-secret-janus-does-not-know', signed.slice(0, signed.indexOf(':')))
    return { ...token, value: joinJanusTokenValue({ core: await forge(parts.core), room: await forge(parts.room) }) }
  }

  async function muteParticipant(name: string, identity: string, kind: TrackKind): Promise<void> {
    await server.muteParticipant({ room: await roomOf(name), identity, kind })
  }

  async function setLocalQuality(name: string, identity: string, quality: ConnectionQuality): Promise<void> {
    ;(await sessionOf(name, identity)).network = { ...networkFor[quality] }
  }

  /** The page's device `deviceId` goes away: the track captured from it ends. */
  function unplugDevice(deviceId: string): void {
    for (const track of media.captured) if (track.deviceId === deviceId) track.unplug()
    media.devices = media.devices.filter((device) => device.deviceId !== deviceId)
  }

  return { Janus, media, server, roomOf, issue, refused, joinRemote, muteParticipant, setLocalQuality, unplugDevice, sessionOf }
}

runClientAdapterSuite({
  name: 'janus',
  setup: createHarness,
  teardown: () => void vi.unstubAllGlobals(),
  createAdapter: (harness) => janusClient({ sdk: harness.Janus, webrtcAdapter: webrtcAdapterStandIn }),
  issueToken: ({ room, identity }, harness) => harness.issue(room, identity),
  refusedToken: ({ room, identity }, harness) => harness.refused(room, identity),
  remote: { join: ({ room, identity }, harness) => harness.joinRemote(room, identity) },
  local: {
    // The fake browser's second device of the kind (the first, its default, is in use at connect).
    deviceId: (kind) => (kind === 'camera' ? 'camera-2' : 'microphone-2'),
    unplugDevice: async ({ deviceId }, harness) => harness.unplugDevice(deviceId),
    setConnectionQuality: ({ room, identity, quality }, harness) => harness.setLocalQuality(room, identity, quality),
  },
  // The server half's muteParticipant: VideoRoom `moderate` on the fake Janus, which tells the muted publisher.
  moderator: { muteParticipant: ({ room, identity, kind }, harness) => harness.muteParticipant(room, identity, kind) },
  // connectionQuality samples getStats every 2 s.
  eventTimeoutMilliseconds: 5_000,
})

/**
 * What the suite does not ask and Janus makes happen, over the same fakes: a session Janus lost, ICE
 * failing, the server half removing someone or closing the room, a subscriber token, an expired token.
 */
describe('janus: how a call ends or is refused, over the fake Janus', () => {
  let harness: ReturnType<typeof createHarness>
  const closing: Array<() => Promise<unknown>> = []
  beforeEach(() => {
    harness = createHarness()
  })
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close()
    vi.unstubAllGlobals()
  })
  const connect = async (room: string, identity = 'local', token?: Token) => {
    const adapter = janusClient({ sdk: harness.Janus, webrtcAdapter: webrtcAdapterStandIn })
    const connection = await adapter.connect(token ?? (await harness.issue(room, identity)), { audio: true, video: true, refreshToken: () => harness.issue(room, identity) })
    closing.push(() => connection.disconnect())
    return connection
  }
  const remoteIn = async (room: string) => {
    const remote = await harness.joinRemote(room, 'remote')
    closing.push(() => remote.leave())
    return remote
  }
  const unique = (label: string) => `janus-${label}-${Math.random().toString(36).slice(2, 8)}`

  it('a session Janus timed out (janus.js: "Lost connection to the server") ends the call as connection-lost, retryable', async () => {
    const room = unique('timeout')
    const connection = await connect(room)
    const disconnected = waitForEvent(connection, 'disconnected')
    fakeJanus.dropSession((await harness.sessionOf(room, 'local')).getSessionId())
    const [event] = await disconnected
    expect(event.reason).toBe('connection-lost')
    expect(event.error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
  })

  it('ICE failing on the publisher connection (janus.js iceState "failed") ends the call as connection-lost', async () => {
    const room = unique('ice')
    const connection = await connect(room)
    const disconnected = waitForEvent(connection, 'disconnected')
    const session = await harness.sessionOf(room, 'local')
    // The camera publisher: the handle sending tracks.
    const publisher = session.handles().find((handle) => (handle.getLocalTracks() ?? []).length > 0)
    expect(publisher, 'the publisher handle').toBeDefined()
    publisher!.setIceState('failed')
    expect((await disconnected)[0].reason).toBe('connection-lost')
  })

  it('removed by the server half (VideoRoom kick): removed, and the others see the participant leave', async () => {
    const room = unique('kick')
    const connection = await connect(room)
    const other = await connect(room, 'other')
    await vi.waitFor(() => expect(other.participants().map((participant) => participant.identity)).toContain('local'))
    const [disconnected, left] = [waitForEvent(connection, 'disconnected'), waitForEvent(other, 'participant-left')]
    await harness.server.removeParticipant({ room: await harness.roomOf(room), identity: 'local' })
    expect((await disconnected)[0].reason).toBe('removed')
    expect((await left)[0].participant.identity).toBe('local')
  })

  it('the room closed by the server half (VideoRoom destroy): room-closed', async () => {
    const room = unique('close')
    const connection = await connect(room)
    const disconnected = waitForEvent(connection, 'disconnected')
    await harness.server.closeRoom({ room: await harness.roomOf(room) })
    expect((await disconnected)[0].reason).toBe('room-closed')
  })

  it('a subscriber token: receives the publishers, publishes nothing, and Janus would refuse it as a publisher (433)', async () => {
    const room = unique('subscriber')
    const remote = await remoteIn(room)
    const token = await harness.server.issueToken({ room: await harness.roomOf(room), participant: { identity: 'watcher', role: 'subscriber' }, ttlSeconds: 600 })
    const connection = await connect(room, 'watcher', token)
    await vi.waitFor(() => expect(connection.participants().map((participant) => participant.identity)).toEqual(['remote']), { timeout: 5_000 })
    const subscribed = waitForEvent(connection, 'track-subscribed', { timeoutMilliseconds: 5_000, filter: (event) => event.track.kind === 'video' })
    await remote.setCameraEnabled(true)
    expect((await subscribed)[0].track).toMatchObject({ kind: 'video', source: 'camera' })
    expect((await harness.server.listParticipants({ room: await harness.roomOf(room) })).map((participant) => participant.identity)).toEqual(['remote'])
    expect(
      fakeJanus.requests.some((request) => request.request === 'join' && request.ptype === 'publisher' && request.token === splitJanusTokenValue(token.value)!.room),
    ).toBe(false)
  })

  it("a moderator muting another's camera: track-muted here, and janus.js's later report of the silent receiver (mute, no RTP) is no track-unsubscribed", async () => {
    const room = unique('moderated')
    const connection = await connect(room)
    const remote = await remoteIn(room)
    const subscribed = waitForEvent(connection, 'track-subscribed', { timeoutMilliseconds: 5_000, filter: (event) => event.track.kind === 'video' })
    await remote.setCameraEnabled(true)
    const track = (await subscribed)[0].track as JanusRemoteTrack
    const unsubscribed = vi.fn()
    connection.on('track-unsubscribed', unsubscribed)
    const muted = waitForEvent(connection, 'track-muted', { timeoutMilliseconds: 5_000 })
    await harness.server.muteParticipant({ room: await harness.roomOf(room), identity: 'remote', kind: 'video' })
    expect((await muted)[0].track.id).toBe(track.id)
    const local = (await harness.sessionOf(room, 'local')).getSessionId()
    await vi.waitFor(() => expect(harness.Janus.remoteTrackCalls).toContainEqual({ session: local, mid: track.mid, on: false, reason: 'mute' }), { timeout: 5_000 })
    expect(unsubscribed).not.toHaveBeenCalled()
  })

  it('a room Janus no longer has (closed, or Janus restarted: rooms are not permanent) is ROOM_NOT_FOUND (VideoRoom 426 on join)', async () => {
    const room = unique('gone')
    const token = await harness.issue(room, 'local')
    await harness.server.closeRoom({ room: await harness.roomOf(room) })
    const adapter = janusClient({ sdk: harness.Janus, webrtcAdapter: webrtcAdapterStandIn })
    await expectCallportError(adapter.connect(token, { audio: false, video: false, refreshToken: () => harness.issue(room, 'local') }), ['ROOM_NOT_FOUND'])
  })

  it("a subscriber token's page measures who speaks in the audio it receives (no VideoRoom talking events reach it)", async () => {
    const room = unique('listener')
    const remote = await remoteIn(room)
    const token = await harness.server.issueToken({ room: await harness.roomOf(room), participant: { identity: 'watcher', role: 'subscriber' }, ttlSeconds: 600 })
    const connection = await connect(room, 'watcher', token)
    await vi.waitFor(() => expect(connection.participants().map((participant) => participant.identity)).toEqual(['remote']), { timeout: 5_000 })
    const speaking = waitForEvent(connection, 'active-speakers-changed', {
      timeoutMilliseconds: 5_000,
      filter: (event) => event.speakers.some((speaker) => speaker.participant.identity === 'remote'),
    })
    await remote.setSpeaking(0.8)
    expect((await speaking)[0].speakers[0]).toMatchObject({ participant: { identity: 'remote' }, level: 0.8 })
    const silent = waitForEvent(connection, 'active-speakers-changed', { timeoutMilliseconds: 5_000, filter: (event) => event.speakers.length === 0 })
    await remote.setSpeaking(0)
    await silent
  })

  it('an expired token (signed by the secret, its expiry past) is TOKEN_EXPIRED: Janus refuses the session', async () => {
    const room = unique('expired')
    const token = await harness.issue(room, 'local')
    const parts = splitJanusTokenValue(token.value)!
    const past = Math.floor(Date.now() / 1000) - 10
    const core = await signJanusToken(tokenSecret, `${past},janus,janus.plugin.videoroom`)
    const adapter = janusClient({ sdk: harness.Janus, webrtcAdapter: webrtcAdapterStandIn })
    await expectCallportError(
      adapter.connect({ ...token, value: joinJanusTokenValue({ core, room: parts.room }) }, { audio: false, video: false, refreshToken: () => harness.issue(room, 'local') }),
      ['TOKEN_EXPIRED'],
    )
  })
})
