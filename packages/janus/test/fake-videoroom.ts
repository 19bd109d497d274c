import { http, HttpResponse, type HttpHandler } from 'msw'
import { signJanusToken } from '../src/server/signed-tokens'

/**
 * A fake Janus WebRTC Server (its core and the VideoRoom plugin) in the test's process, for the
 * client half's conformance tests in Node, where there is no WebRTC. Both halves reach the same
 * rooms: the server half over the Janus HTTP API (msw handlers, `httpHandlers()`), pages through the
 * fake janus.js (test/fake-janus-js.ts), which talks to it as janus.js's WebSocket transport would
 * (requests answered in order, events pushed to the session).
 *
 * It follows the source of Janus 1.1.2, the version Debian ships and the browser tests run
 * (meetecho/janus-gateway at v1.1.2: `src/janus.c`, `src/auth.c`, `src/plugins/janus_videoroom.c`;
 * later versions add `display` to `leaving` / `unpublished` / `kicked`), and test/fake-videoroom.test.ts
 * checks it against that Janus wherever Node can reach it (everything short of media):
 *
 * - Signed tokens (auth.c `janus_auth_check_signature` / `_contains`): `<expiry>,<realm>[,<desc>…]:<base64
 *   HMAC-SHA1>`, refused once expired. The core checks every request's token against the realm
 *   `janus` (403 "Unauthorized request (wrong or missing secret/token)") and, on `attach`, that it
 *   names the plugin (405). VideoRoom checks a `join` of a `signed_tokens` room against the realm
 *   `janus.plugin.videoroom` with `room=<id>` (433 "Unauthorized (wrong token)"), then a publisher's
 *   token against the room's `allowed` list (433 "Unauthorized (not in the allowed list)").
 * - Synchronous requests (`create`, `exists`, `destroy`, `allowed`, `kick`, `moderate`,
 *   `listparticipants`) answer `success` with `plugindata`; errors are `{ videoroom: 'event',
 *   error_code, error }`. Asynchronous ones (`join`, `publish`, `configure`, `unpublish`, `leave`,
 *   `start`, `update`) answer `ack`, then an event on the handle.
 * - A publisher is announced to the others (`event { publishers: [...] }` with its streams) once its
 *   PeerConnection is up (`setup_media`), not at `publish`; the participants listed in `joined` are the
 *   active publishers (`attendees`: the others, with `notify_joining`, who also hear `joining`). A
 *   renegotiation (`configure` with an offer) or a changed stream `description` (SDP-less `configure`)
 *   tells the others the publisher again (notify_about_publisher, update; a stream taken away is listed
 *   `disabled: true`, its subscribers keep their m-line: VideoRoom sends them no offer for it); a new
 *   `display` is told as `event { id, display }`. Going away: `unpublished: id` (PeerConnection
 *   closed), then `leaving: id` (`janus_videoroom_destroy_session`: hangup_media, then
 *   leave_or_unpublish); a `leave` request takes the participant out (`leaving`) and leaves its
 *   PeerConnection up; kicked: the participant hears `leaving: 'ok', reason: 'kicked'`, the others
 *   `kicked: id`; a destroyed room: `destroyed` to every participant.
 * - Subscribers (multistream): `join` with `streams: [{ feed }]` → `attached` with the streams summary
 *   (`mid`, `type`, `active`, `feed_id`, `feed_display`, `feed_mid`) and an SDP offer; `start` with the
 *   answer → `started: 'ok'`; `update` → `updated` (with a new offer, or without one when nothing
 *   changed; `updating` while an answer is awaited, the offer following it). A publisher that goes
 *   away turns its subscribed m-lines inactive (`active: false`, no feed) and the subscriber gets an
 *   `updated` offer; inactive m-lines of the same type are reused by later subscriptions; every
 *   publisher's data stream shares one m=application line (`sources`, `source_ids`).
 * - A session Janus times out (`dropSession`): its handles are cleared, then its transport hears
 *   `timeout` (janus.c janus_check_sessions). `list` hides private rooms unless given the `admin_key`.
 * - `moderate` (per mid) and `talking` / `stopped-talking` (rooms with `audiolevel_event`, when the
 *   average level of `audio_active_packets` packets crosses `audio_level_average`, default 25 dBov)
 *   go to every participant, the one they are about included (`janus_videoroom_notify_participants`
 *   with `notify_source_participant`); a moderated stream's packets are dropped (`onRtpFlow` tells the
 *   fake janus.js its subscribers receive nothing), and it is not measured for talking.
 *
 * Media is not carried: the SDP only says which m-lines there are (kind, mid, direction, msid), and
 * the fake janus.js makes the receivers' tracks; messages cross as JSON. What the network would show
 * (a publisher speaking: `setAudioLevel`; a link losing packets: the fake janus.js session's
 * `network`) is set through back doors; `requests` lists every VideoRoom request received.
 */

const VIDEOROOM = 'janus.plugin.videoroom'

/** A Janus API message (request, answer or event). */
export type JanusJson = Record<string, unknown>

/** VideoRoom's error codes (janus_videoroom.c, JANUS_VIDEOROOM_ERROR_*). */
export const VideoRoomError = {
  JOIN_FIRST: 424,
  ALREADY_JOINED: 425,
  NO_SUCH_ROOM: 426,
  ROOM_EXISTS: 427,
  NO_SUCH_FEED: 428,
  MISSING_ELEMENT: 429,
  INVALID_ELEMENT: 430,
  PUBLISHERS_FULL: 432,
  UNAUTHORIZED: 433,
  ALREADY_PUBLISHED: 434,
  NOT_PUBLISHED: 435,
  ID_EXISTS: 436,
  INVALID_SDP: 437,
  INVALID_SDP_TYPE: 431,
} as const

/** Janus core error codes (src/apierror.h). */
export const JanusError = {
  UNAUTHORIZED: 403,
  UNAUTHORIZED_PLUGIN: 405,
  SESSION_NOT_FOUND: 458,
  HANDLE_NOT_FOUND: 459,
} as const

/** One m-line of the fake SDP. */
export interface SdpMLine {
  kind: 'audio' | 'video' | 'application'
  mid: string
  /** Port 0: the m-line is rejected. */
  port: number
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive'
  /** `a=msid:<stream> <track>`: the sending track's id. */
  trackId?: string
}

/** Writes a session description with these m-lines (enough SDP for the fakes to read back). */
export function writeSdp(mLines: readonly SdpMLine[], version = 1): string {
  const lines = ['v=0', `o=- 4611731400430051336 ${version} IN IP4 127.0.0.1`, 's=-', 't=0 0', `a=group:BUNDLE ${mLines.map((m) => m.mid).join(' ')}`]
  for (const m of mLines) {
    lines.push(
      m.kind === 'application' ? `m=application ${m.port} UDP/DTLS/SCTP webrtc-datachannel` : `m=${m.kind} ${m.port} UDP/TLS/RTP/SAVPF ${m.kind === 'audio' ? 111 : 96}`,
      'c=IN IP4 127.0.0.1',
      `a=mid:${m.mid}`,
    )
    if (m.kind !== 'application') lines.push(`a=${m.direction}`)
    if (m.kind === 'audio') lines.push('a=rtpmap:111 opus/48000/2', 'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level')
    if (m.kind === 'video') lines.push('a=rtpmap:96 VP8/90000')
    if (m.trackId) lines.push(`a=msid:callport ${m.trackId}`)
  }
  return `${lines.join('\r\n')}\r\n`
}

/** Reads the m-lines of a session description the fakes wrote. */
export function parseSdp(sdp: string): SdpMLine[] {
  const sections = sdp.split(/\r?\nm=/).slice(1)
  return sections.map((section) => {
    const [first = '', ...rest] = section.split(/\r?\n/)
    const [kind, port] = first.split(' ')
    const attribute = (name: string) => rest.find((line) => line.startsWith(`a=${name}`))
    const direction = (['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const).find((value) => rest.includes(`a=${value}`)) ?? 'sendrecv'
    const msid = attribute('msid:')?.split(' ')[1]
    return {
      kind: kind as SdpMLine['kind'],
      mid: attribute('mid:')?.slice('a=mid:'.length) ?? '',
      port: Number(port),
      direction,
      ...(msid === undefined ? {} : { trackId: msid }),
    }
  })
}

/** Janus's signed token check (auth.c): expiry, realm, descriptor (when asked) and HMAC-SHA1 signature. */
async function checkSignature(secret: string, token: unknown, realm: string, descriptor?: string): Promise<boolean> {
  if (typeof token !== 'string') return false
  const colon = token.indexOf(':')
  if (colon < 0) return false
  const data = token.slice(0, colon)
  const fields = data.split(',')
  if (fields.length < 2) return false
  const expiry = Number.parseInt(fields[0]!, 10)
  if (!(expiry >= 0) || Math.floor(Date.now() / 1000) > expiry) return false
  if (fields[1] !== realm) return false
  if (descriptor !== undefined && !fields.slice(2).includes(descriptor)) return false
  return (await signJanusToken(secret, data)) === token
}

/** A published stream (janus_videoroom_publisher_stream). */
interface PublisherStream {
  type: 'audio' | 'video' | 'data'
  mindex: number
  mid: string
  disabled: boolean
  /** Moderated (`moderate` with `mute: true`): Janus drops its packets. */
  muted: boolean
  /** The sending track's id (from the offer's msid), so that a back door can find the stream. */
  trackId?: string
  talking: boolean
  /** The level its audio carries now (0 to 1; the audio-level extension), for a receiver's synchronization sources. */
  level: number
  /** Its text description (`descriptions` of publish / configure). */
  description?: string
}

/** A VideoRoom participant: a publisher handle that joined (janus_videoroom_publisher). */
interface Publisher {
  id: number
  room: FakeVideoRoomRoom
  handle: FakeHandle
  display?: string
  streams: PublisherStream[]
  /** Its PeerConnection is up: announced, listed, subscribable. */
  active: boolean
  /** Published (an offer answered), waiting for its PeerConnection. */
  publishing: boolean
  kicked: boolean
}

/** A subscriber's m-line (janus_videoroom_subscriber_stream). */
interface SubscriberStream {
  mindex: number
  mid: string
  type: 'audio' | 'video' | 'data'
  /** The publisher stream it relays; undefined once that went away (an inactive m-line). Not for data. */
  source?: { publisher: Publisher; stream: PublisherStream }
  /** A data m-line: the publishers whose data it carries (one shared m-line for all of them). */
  dataSources?: Set<Publisher>
}

/** A subscriber handle (janus_videoroom_subscriber). */
interface Subscriber {
  room: FakeVideoRoomRoom
  handle: FakeHandle
  streams: SubscriberStream[]
  /** The last offer was answered (`start`). */
  answered: boolean
  pendingOffer: boolean
  sdpVersion: number
}

/** A VideoRoom room (janus_videoroom). */
export interface FakeVideoRoomRoom {
  id: number
  description: string
  secret?: string
  signedTokens: boolean
  /** The `allowed` list, when checked. */
  allowed?: Set<string>
  audioLevelEvent: boolean
  audioLevelAverage: number
  maxPublishers: number
  notifyJoining: boolean
  isPrivate: boolean
  participants: Map<number, Publisher>
  subscribers: Set<Subscriber>
}

/** A handle attached to VideoRoom (janus_plugin_session), and what the plugin made of it. */
interface FakeHandle {
  id: number
  session: FakeSession
  publisher?: Publisher
  subscriber?: Subscriber
  /** The PeerConnection is up (webrtcup sent). */
  webrtcUp: boolean
}

interface FakeSession {
  id: number
  handles: Map<number, FakeHandle>
  /** Events not yet read (HTTP long polls). */
  queue: JanusJson[]
  /** The fake janus.js's transport, when one listens (events go to it instead of the queue). */
  listener?: (event: JanusJson) => void
  /** Long polls waiting for events. */
  waiting: Array<() => void>
}

/** What `new FakeJanusServer` takes. */
export interface FakeJanusServerOptions {
  /** Janus's `token_auth_secret` (signed tokens mode). */
  tokenSecret: string
  /** Where the HTTP API is (`httpHandlers` serve it). */
  url?: string
  /** VideoRoom's `admin_key`, required to create rooms when set. */
  adminKey?: string
}

const randomId = (): number => Math.floor(Math.random() * 2 ** 52) + 1

const errorEvent = (code: number, reason: string): JanusJson => ({ videoroom: 'event', error_code: code, error: reason })

/** A VideoRoom request refused: the error event VideoRoom answers with. */
class Refusal extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(reason)
  }
}

/** A Janus core request refused (an `error` answer). */
class CoreRefusal extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(reason)
  }
}

/** The fake Janus (core + VideoRoom). */
export class FakeJanusServer {
  readonly url: string
  readonly rooms = new Map<number, FakeVideoRoomRoom>()
  readonly #secret: string
  readonly #adminKey: string | undefined
  readonly #sessions = new Map<number, FakeSession>()
  /** Every VideoRoom request received, in order (what the halves asked of Janus). */
  readonly requests: JanusJson[] = []
  /** Who hears when RTP stops or resumes on a subscriber's m-line (the fake janus.js: its receiver's track mutes). */
  readonly #rtpListeners = new Set<(flow: { session: number; handle: number; mid: string; flowing: boolean }) => void>()

  constructor(options: FakeJanusServerOptions) {
    this.#secret = options.tokenSecret
    this.url = options.url ?? 'http://janus.fake.test/janus'
    this.#adminKey = options.adminKey
  }

  // ---- Janus core (src/janus.c janus_process_incoming_request) ----

  /** One Janus API request, as a transport hands it to the core; resolves with the answer. */
  async request(path: { session?: number; handle?: number }, sent: JanusJson): Promise<JanusJson> {
    const body = JSON.parse(JSON.stringify(sent)) as JanusJson
    const transaction = typeof body.transaction === 'string' ? body.transaction : undefined
    const reply = (answer: JanusJson): JanusJson => ({ ...answer, ...(transaction ? { transaction } : {}) })
    const janus = body.janus
    try {
      if (janus === 'info') return reply({ janus: 'server_info', name: 'Janus WebRTC Server (fake)', version: 1102, version_string: '1.1.2' })
      if (janus === 'ping') return reply({ janus: 'pong' })
      if (!(await checkSignature(this.#secret, body.token, 'janus'))) throw new CoreRefusal(JanusError.UNAUTHORIZED, 'Unauthorized request (wrong or missing secret/token)')
      if (path.session === undefined) {
        if (janus !== 'create') throw new CoreRefusal(457, `Unhandled request '${String(janus)}' at this path`)
        const session: FakeSession = { id: randomId(), handles: new Map(), queue: [], waiting: [] }
        this.#sessions.set(session.id, session)
        return reply({ janus: 'success', data: { id: session.id } })
      }
      const session = this.#sessions.get(path.session)
      if (!session) throw new CoreRefusal(JanusError.SESSION_NOT_FOUND, `No such session ${path.session}`)
      if (path.handle === undefined) {
        if (janus === 'keepalive') return reply({ janus: 'ack', session_id: session.id })
        if (janus === 'attach') {
          if (body.plugin !== VIDEOROOM) throw new CoreRefusal(460, `No such plugin '${String(body.plugin)}'`)
          if (!(await checkSignature(this.#secret, body.token, 'janus', VIDEOROOM))) {
            throw new CoreRefusal(JanusError.UNAUTHORIZED_PLUGIN, `Provided token can't access plugin '${VIDEOROOM}'`)
          }
          const handle: FakeHandle = { id: randomId(), session, webrtcUp: false }
          session.handles.set(handle.id, handle)
          return reply({ janus: 'success', session_id: session.id, data: { id: handle.id } })
        }
        if (janus === 'destroy') {
          this.#destroySession(session)
          return reply({ janus: 'success', session_id: session.id })
        }
        throw new CoreRefusal(457, `Unhandled request '${String(janus)}' at this path`)
      }
      const handle = session.handles.get(path.handle)
      if (!handle) throw new CoreRefusal(JanusError.HANDLE_NOT_FOUND, `No such handle ${path.handle} in session ${session.id}`)
      if (janus === 'detach') {
        this.#detach(handle)
        return reply({ janus: 'success', session_id: session.id })
      }
      if (janus === 'hangup') {
        this.#hangupMedia(handle)
        return reply({ janus: 'success', session_id: session.id })
      }
      if (janus === 'trickle') return reply({ janus: 'ack', session_id: session.id })
      if (janus === 'message') return reply(await this.#message(handle, (body.body ?? {}) as JanusJson, body.jsep as JanusJson | undefined, transaction))
      throw new CoreRefusal(457, `Unhandled request '${String(janus)}' at this path`)
    } catch (error) {
      if (error instanceof CoreRefusal)
        return reply({ janus: 'error', ...(path.session ? { session_id: path.session } : {}), error: { code: error.code, reason: error.reason } })
      throw error
    }
  }

  /** Listens to a session's events as they come (the fake janus.js's transport), taking those queued. */
  listen(sessionId: number, listener: (event: JanusJson) => void): void {
    const session = this.#sessions.get(sessionId)
    if (!session) return
    session.listener = listener
    for (const event of session.queue.splice(0)) listener(event)
  }

  /** An HTTP long poll (`GET /janus/<session>?maxev=`): the queued events, else the next ones, else a keepalive after `timeoutMs`. */
  async longPoll(
    sessionId: number,
    token: string | null,
    maxEvents: number,
    timeoutMs = 30_000,
    signal?: AbortSignal,
  ): Promise<{ status: number; body?: JanusJson | JanusJson[] }> {
    if (!(await checkSignature(this.#secret, token, 'janus'))) return { status: 403 }
    const session = this.#sessions.get(sessionId)
    if (!session)
      return { status: 200, body: { janus: 'error', session_id: sessionId, error: { code: JanusError.SESSION_NOT_FOUND, reason: `No such session ${sessionId}` } } }
    if (session.queue.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs)
        const done = () => {
          clearTimeout(timer)
          resolve()
        }
        session.waiting.push(done)
        signal?.addEventListener('abort', done, { once: true })
      })
    }
    const events = session.queue.splice(0, Math.max(1, maxEvents))
    if (events.length === 0) return { status: 200, body: { janus: 'keepalive' } }
    return { status: 200, body: maxEvents > 1 ? events : events[0]! }
  }

  /** msw handlers serving the Janus HTTP API (REST transport) at `url`. */
  httpHandlers(): HttpHandler[] {
    const post = async (request: Request, path: { session?: number; handle?: number }) =>
      HttpResponse.json((await this.request(path, (await request.json()) as JanusJson)) as Record<string, never>)
    return [
      // GET /info (server_info) needs no token.
      http.get(`${this.url}/info`, async () => HttpResponse.json((await this.request({}, { janus: 'info' })) as Record<string, never>)),
      http.post(this.url, ({ request }) => post(request, {})),
      http.post(`${this.url}/:session`, ({ request, params }) => post(request, { session: Number(params.session) })),
      http.post(`${this.url}/:session/:handle`, ({ request, params }) => post(request, { session: Number(params.session), handle: Number(params.handle) })),
      http.get(`${this.url}/:session`, async ({ request, params }) => {
        const query = new URL(request.url).searchParams
        const polled = await this.longPoll(Number(params.session), query.get('token'), Number(query.get('maxev') ?? 1), 30_000, request.signal)
        return polled.body === undefined ? new HttpResponse(null, { status: polled.status }) : HttpResponse.json(polled.body as Record<string, never>)
      }),
    ]
  }

  /** Pushes an event to a session (`gateway->push_event`), delivered as a transport would: after this turn. */
  #push(session: FakeSession, event: JanusJson): void {
    if (!this.#sessions.has(session.id)) return
    // As over the wire: JSON, so no object is shared with the page or between pages.
    const message = JSON.parse(JSON.stringify({ ...event, session_id: session.id })) as JanusJson
    setTimeout(() => {
      if (!this.#sessions.has(session.id)) return
      if (session.listener) session.listener(message)
      else {
        session.queue.push(message)
        for (const wake of session.waiting.splice(0)) wake()
      }
    }, 0)
  }

  /** A plugin event on a handle (`janus: 'event'` with `plugindata`, and a JSEP when there is one). */
  #pushEvent(handle: FakeHandle, data: JanusJson, jsep?: JanusJson, transaction?: string): void {
    this.#push(handle.session, {
      janus: 'event',
      sender: handle.id,
      ...(transaction ? { transaction } : {}),
      plugindata: { plugin: VIDEOROOM, data },
      ...(jsep ? { jsep } : {}),
    })
  }

  #destroySession(session: FakeSession): void {
    for (const handle of [...session.handles.values()]) this.#detach(handle)
    this.#sessions.delete(session.id)
    for (const wake of session.waiting.splice(0)) wake()
  }

  /** A handle detached (or its session destroyed): janus_videoroom_destroy_session — media hung up, then the participant leaves. */
  #detach(handle: FakeHandle): void {
    this.#hangupMedia(handle)
    const publisher = handle.publisher
    if (publisher && !publisher.kicked && this.rooms.get(publisher.room.id) === publisher.room) this.#leave(publisher, false)
    if (handle.subscriber) handle.subscriber.room.subscribers.delete(handle.subscriber)
    handle.publisher = undefined
    handle.subscriber = undefined
    handle.session.handles.delete(handle.id)
  }

  /** The PeerConnection of a handle goes (janus_videoroom_hangup_media): a publisher is unpublished. */
  #hangupMedia(handle: FakeHandle): void {
    const wasUp = handle.webrtcUp
    handle.webrtcUp = false
    const publisher = handle.publisher
    if (publisher && (publisher.active || publisher.publishing)) this.#unpublish(publisher)
    if (wasUp) this.#push(handle.session, { janus: 'hangup', sender: handle.id, reason: 'Close PC' })
  }

  /** Called by the fake janus.js once ICE and DTLS completed on a handle's PeerConnection: `webrtcup`, then the plugin's setup_media. */
  peerConnectionUp(sessionId: number, handleId: number): void {
    const handle = this.#sessions.get(sessionId)?.handles.get(handleId)
    if (!handle || handle.webrtcUp) return
    handle.webrtcUp = true
    this.#push(handle.session, { janus: 'webrtcup', sender: handle.id })
    const publisher = handle.publisher
    if (publisher && publisher.publishing && !publisher.active) {
      publisher.active = true
      this.#notifyAboutPublisher(publisher)
    }
  }

  /** Called by the fake janus.js when its PeerConnection closes (hangup): Janus notices the DTLS alert. */
  peerConnectionClosed(sessionId: number, handleId: number): void {
    const handle = this.#sessions.get(sessionId)?.handles.get(handleId)
    if (handle) this.#hangupMedia(handle)
  }

  // ---- VideoRoom (janus_videoroom_handle_message) ----

  async #message(handle: FakeHandle, body: JanusJson, jsep: JanusJson | undefined, transaction: string | undefined): Promise<JanusJson> {
    this.requests.push(body)
    const request = body.request
    const sync = ['create', 'exists', 'destroy', 'allowed', 'kick', 'moderate', 'listparticipants', 'list'].includes(String(request))
    if (sync) {
      let data: JanusJson
      try {
        data = await this.#synchronous(body)
      } catch (error) {
        if (!(error instanceof Refusal)) throw error
        data = errorEvent(error.code, error.reason)
      }
      return { janus: 'success', session_id: handle.session.id, sender: handle.id, plugindata: { plugin: VIDEOROOM, data } }
    }
    if (!['join', 'publish', 'configure', 'unpublish', 'leave', 'start', 'update'].includes(String(request))) {
      return {
        janus: 'success',
        session_id: handle.session.id,
        sender: handle.id,
        plugindata: { plugin: VIDEOROOM, data: errorEvent(423, `Unknown request '${String(request)}'`) },
      }
    }
    // Asynchronous: acknowledged now, handled by the plugin's thread, answered by an event.
    setTimeout(() => {
      this.#asynchronous(handle, body, jsep, transaction).catch((error: unknown) => {
        if (error instanceof Refusal) this.#pushEvent(handle, errorEvent(error.code, error.reason), undefined, transaction)
        else throw error
      })
    }, 0)
    return { janus: 'ack', session_id: handle.session.id }
  }

  #room(body: JanusJson): FakeVideoRoomRoom {
    if (typeof body.room !== 'number') throw new Refusal(VideoRoomError.MISSING_ELEMENT, 'Missing mandatory element (room)')
    const room = this.rooms.get(body.room)
    if (!room) throw new Refusal(VideoRoomError.NO_SUCH_ROOM, `No such room (${body.room})`)
    return room
  }

  /** janus_videoroom_access_room with check_modify: the room secret. */
  #modifiable(body: JanusJson): FakeVideoRoomRoom {
    const room = this.#room(body)
    if (room.secret !== undefined) {
      if (body.secret === undefined) throw new Refusal(VideoRoomError.MISSING_ELEMENT, 'Missing mandatory element (secret)')
      if (body.secret !== room.secret) throw new Refusal(VideoRoomError.UNAUTHORIZED, 'Unauthorized (wrong secret)')
    }
    return room
  }

  /** janus_videoroom_access_room with check_join: the signed room token. */
  async #joinable(body: JanusJson): Promise<FakeVideoRoomRoom> {
    const room = this.#room(body)
    if (room.signedTokens && !(await checkSignature(this.#secret, body.token, VIDEOROOM, `room=${room.id}`))) {
      throw new Refusal(VideoRoomError.UNAUTHORIZED, 'Unauthorized (wrong token)')
    }
    return room
  }

  async #synchronous(body: JanusJson): Promise<JanusJson> {
    switch (body.request) {
      case 'create': {
        if (this.#adminKey !== undefined) {
          if (body.admin_key === undefined) throw new Refusal(VideoRoomError.MISSING_ELEMENT, 'Missing mandatory element (admin_key)')
          if (body.admin_key !== this.#adminKey) throw new Refusal(VideoRoomError.UNAUTHORIZED, 'Unauthorized (wrong admin_key)')
        }
        const id = typeof body.room === 'number' ? body.room : randomId()
        if (this.rooms.has(id)) throw new Refusal(VideoRoomError.ROOM_EXISTS, `Room ${id} already exists`)
        const allowed = Array.isArray(body.allowed) ? new Set(body.allowed.filter((token): token is string => typeof token === 'string')) : undefined
        this.rooms.set(id, {
          id,
          description: typeof body.description === 'string' ? body.description : `Room ${id}`,
          ...(typeof body.secret === 'string' ? { secret: body.secret } : {}),
          signedTokens: body.signed_tokens === true,
          ...(allowed ? { allowed } : {}),
          audioLevelEvent: body.audiolevel_event === true,
          audioLevelAverage: typeof body.audio_level_average === 'number' ? body.audio_level_average : 25,
          maxPublishers: typeof body.publishers === 'number' ? body.publishers : 3,
          notifyJoining: body.notify_joining === true,
          isPrivate: body.is_private === true,
          participants: new Map(),
          subscribers: new Set(),
        })
        return { videoroom: 'created', room: id, permanent: false }
      }
      case 'exists': {
        if (typeof body.room !== 'number') throw new Refusal(VideoRoomError.MISSING_ELEMENT, 'Missing mandatory element (room)')
        return { videoroom: 'success', room: body.room, exists: this.rooms.has(body.room) }
      }
      case 'destroy': {
        const room = this.#modifiable(body)
        this.rooms.delete(room.id)
        for (const participant of room.participants.values()) {
          this.#pushEvent(participant.handle, { videoroom: 'destroyed', room: room.id })
          participant.handle.publisher = undefined
          this.#closePeerConnection(participant.handle)
        }
        room.participants.clear()
        return { videoroom: 'destroyed', room: room.id, permanent: false }
      }
      case 'allowed': {
        const room = this.#modifiable(body)
        const tokens = Array.isArray(body.allowed) ? body.allowed.filter((token): token is string => typeof token === 'string') : []
        if (body.action === 'enable') room.allowed ??= new Set()
        else if (body.action === 'disable') delete room.allowed
        else if (body.action === 'add') {
          room.allowed ??= new Set()
          for (const token of tokens) room.allowed.add(token)
        } else if (body.action === 'remove') for (const token of tokens) room.allowed?.delete(token)
        else throw new Refusal(VideoRoomError.INVALID_ELEMENT, "Unsupported action '" + String(body.action) + "' (allowed)")
        return { videoroom: 'success', room: room.id, ...(room.allowed ? { allowed: [...room.allowed] } : {}) }
      }
      case 'kick': {
        const room = this.#modifiable(body)
        const participant = room.participants.get(body.id as number)
        if (!participant) throw new Refusal(VideoRoomError.NO_SUCH_FEED, `No such user ${String(body.id)} in room ${room.id}`)
        if (participant.kicked) return { videoroom: 'success' }
        participant.kicked = true
        this.#pushEvent(participant.handle, { videoroom: 'event', room: room.id, leaving: 'ok', reason: 'kicked' })
        this.#leave(participant, true)
        // Tell the core to tear down the PeerConnection: hangup_media does the rest.
        this.#closePeerConnection(participant.handle)
        return { videoroom: 'success' }
      }
      case 'moderate': {
        const room = this.#modifiable(body)
        const participant = room.participants.get(body.id as number)
        if (!participant) throw new Refusal(VideoRoomError.NO_SUCH_FEED, `No such user ${String(body.id)} in room ${room.id}`)
        const stream = participant.streams.find((candidate) => candidate.mid === body.mid)
        if (!stream) throw new Refusal(VideoRoomError.NO_SUCH_FEED, `No such stream ${String(body.mid)}`)
        const wasMuted = stream.muted
        stream.muted = body.mute === true
        if (stream.muted) this.#setTalking(participant, stream, false, 127)
        // A moderated stream's packets are dropped: its subscribers receive no RTP until it is unmuted.
        if (wasMuted !== stream.muted) this.#rtpFlow(stream, !stream.muted)
        this.#notifyParticipants(participant, { videoroom: 'event', room: room.id, id: participant.id, mid: stream.mid, moderation: stream.muted ? 'muted' : 'unmuted' }, true)
        return { videoroom: 'success' }
      }
      case 'listparticipants': {
        const room = this.#room(body)
        return {
          videoroom: 'participants',
          room: room.id,
          participants: [...room.participants.values()].map((participant) => ({
            id: participant.id,
            ...(participant.display === undefined ? {} : { display: participant.display }),
            publisher: participant.active,
            ...(room.audioLevelEvent && participant.active ? { talking: participant.streams.some((stream) => stream.talking) } : {}),
          })),
        }
      }
      case 'list': {
        // Private rooms only with the right admin_key (a Janus without one never lists them).
        if (this.#adminKey !== undefined && typeof body.admin_key === 'string' && body.admin_key !== '' && body.admin_key !== this.#adminKey) {
          throw new Refusal(VideoRoomError.UNAUTHORIZED, 'Unauthorized (wrong admin_key)')
        }
        const unlocked = this.#adminKey !== undefined && body.admin_key === this.#adminKey
        return {
          videoroom: 'success',
          list: [...this.rooms.values()]
            .filter((room) => unlocked || !room.isPrivate)
            .map((room) => ({
              room: room.id,
              description: room.description,
              pin_required: false,
              is_private: room.isPrivate,
              max_publishers: room.maxPublishers,
              notify_joining: room.notifyJoining,
              num_participants: room.participants.size,
              audiolevel_event: room.audioLevelEvent,
            })),
        }
      }
      default:
        throw new Refusal(423, `Unknown request '${String(body.request)}'`)
    }
  }

  async #asynchronous(handle: FakeHandle, body: JanusJson, jsep: JanusJson | undefined, transaction: string | undefined): Promise<void> {
    const request = body.request
    if (request === 'join') {
      if (handle.publisher || handle.subscriber) throw new Refusal(VideoRoomError.ALREADY_JOINED, 'Already in as a publisher on this handle')
      if (body.ptype === 'publisher') return this.#joinPublisher(handle, body, transaction)
      if (body.ptype === 'subscriber') return this.#joinSubscriber(handle, body, transaction)
      throw new Refusal(VideoRoomError.INVALID_ELEMENT, 'Invalid element (ptype)')
    }
    const publisher = handle.publisher
    const subscriber = handle.subscriber
    if (publisher) {
      if (publisher.kicked || publisher.room.participants.get(publisher.id) !== publisher || this.rooms.get(publisher.room.id) !== publisher.room)
        throw new Refusal(VideoRoomError.NO_SUCH_ROOM, `No such room (${publisher.room.id})`)
      if (request === 'publish' || request === 'configure') return this.#configure(publisher, request, body, jsep, transaction)
      if (request === 'unpublish') {
        if (!publisher.active && !publisher.publishing) throw new Refusal(VideoRoomError.NOT_PUBLISHED, "Can't unpublish, not published")
        this.#pushEvent(handle, { videoroom: 'event', room: publisher.room.id, unpublished: 'ok' }, undefined, transaction)
        this.#closePeerConnection(handle)
        return
      }
      if (request === 'leave') {
        // 1.1.2: out of the room (`leaving` to the others), the PeerConnection left up until the page hangs up or detaches.
        this.#pushEvent(handle, { videoroom: 'event', room: publisher.room.id, leaving: 'ok' }, undefined, transaction)
        this.#leave(publisher, false)
        return
      }
      throw new Refusal(423, `Unknown request '${String(request)}'`)
    }
    if (subscriber) {
      if (request === 'start') {
        if (!jsep || jsep.type !== 'answer') throw new Refusal(VideoRoomError.MISSING_ELEMENT, 'Missing mandatory element (jsep answer)')
        this.#pushEvent(handle, { videoroom: 'event', room: subscriber.room.id, started: 'ok' }, undefined, transaction)
        subscriber.answered = true
        if (subscriber.pendingOffer) {
          subscriber.pendingOffer = false
          this.#offerToSubscriber(subscriber)
        }
        return
      }
      if (request === 'update') return this.#update(subscriber, body, transaction)
      if (request === 'leave') {
        this.#pushEvent(handle, { videoroom: 'event', room: subscriber.room.id, left: 'ok' }, undefined, transaction)
        subscriber.room.subscribers.delete(subscriber)
        handle.subscriber = undefined
        this.#closePeerConnection(handle)
        return
      }
      throw new Refusal(423, `Unknown request '${String(request)}'`)
    }
    throw new Refusal(VideoRoomError.JOIN_FIRST, 'Join first')
  }

  async #joinPublisher(handle: FakeHandle, body: JanusJson, transaction: string | undefined): Promise<void> {
    const room = await this.#joinable(body)
    // A token might be required to join (the allowed list).
    if (room.allowed && (typeof body.token !== 'string' || !room.allowed.has(body.token)))
      throw new Refusal(VideoRoomError.UNAUTHORIZED, 'Unauthorized (not in the allowed list)')
    const id = typeof body.id === 'number' ? body.id : randomId()
    if (room.participants.has(id)) throw new Refusal(VideoRoomError.ID_EXISTS, 'User ID ' + id + ' already exists')
    const publisher: Publisher = {
      id,
      room,
      handle,
      ...(typeof body.display === 'string' ? { display: body.display } : {}),
      streams: [],
      active: false,
      publishing: false,
      kicked: false,
    }
    room.participants.set(id, publisher)
    handle.publisher = publisher
    const others = [...room.participants.values()].filter((other) => other !== publisher)
    this.#pushEvent(
      handle,
      {
        videoroom: 'joined',
        room: room.id,
        description: room.description,
        id,
        private_id: randomId() % 2 ** 32,
        publishers: others.filter((other) => other.active).map((other) => this.#publisherSummary(other)),
        ...(room.notifyJoining
          ? { attendees: others.filter((other) => !other.active).map((other) => ({ id: other.id, ...(other.display === undefined ? {} : { display: other.display }) })) }
          : {}),
      },
      undefined,
      transaction,
    )
    if (room.notifyJoining) {
      this.#notifyParticipants(
        publisher,
        { videoroom: 'event', room: room.id, joining: { id, ...(publisher.display === undefined ? {} : { display: publisher.display }) } },
        false,
      )
    }
  }

  /** `publish` / `configure`: an offer is answered (`configured: 'ok'` with the answer); display updates are told to the others. */
  /**
   * `publish` / `configure`: an offer is answered (`configured: 'ok'` with the answer), and a
   * renegotiation of an active publisher is told to the others (notify_about_publisher, update). An
   * SDP-less configure may rename (`display`: the others get `event { id, display }` when there was one
   * before) and describe streams (`descriptions`: the others get the publisher again when one changed).
   */
  #configure(publisher: Publisher, request: 'publish' | 'configure', body: JanusJson, jsep: JanusJson | undefined, transaction: string | undefined): void {
    if (request === 'publish' && (publisher.active || publisher.publishing)) throw new Refusal(VideoRoomError.ALREADY_PUBLISHED, "Can't publish, already published")
    if (request === 'publish' && !jsep) throw new Refusal(VideoRoomError.MISSING_ELEMENT, 'Missing mandatory SDP')
    const descriptions = Array.isArray(body.descriptions) ? (body.descriptions as JanusJson[]) : []
    const describe = (): boolean => {
      let changed = false
      for (const entry of descriptions) {
        const stream = publisher.streams.find((candidate) => candidate.mid === entry.mid)
        if (stream && typeof entry.description === 'string') {
          stream.description = entry.description
          changed = true
        }
      }
      return changed
    }
    if (typeof body.display === 'string') {
      const renamed = publisher.display !== undefined
      publisher.display = body.display
      if (renamed) this.#notifyParticipants(publisher, { videoroom: 'event', id: publisher.id, display: publisher.display, room: publisher.room.id }, false)
    }
    let answer: JanusJson | undefined
    if (jsep) {
      if (jsep.type !== 'offer' || typeof jsep.sdp !== 'string') throw new Refusal(VideoRoomError.INVALID_SDP_TYPE, 'Unsupported SDP type')
      const offered = parseSdp(jsep.sdp)
      // Streams keep their identity across renegotiations (subscribers relay them by reference).
      publisher.streams = offered.map((m, mindex): PublisherStream => {
        const type = m.kind === 'application' ? 'data' : m.kind
        const disabled = m.port === 0 || m.direction === 'inactive' || m.direction === 'recvonly'
        const known = publisher.streams.find((stream) => stream.mid === m.mid)
        const stream: PublisherStream = known ?? { type, mindex, mid: m.mid, disabled, muted: false, talking: false, level: 0 }
        Object.assign(stream, { type, mindex, disabled })
        if (m.trackId === undefined) delete stream.trackId
        else stream.trackId = m.trackId
        if (disabled) stream.talking = false
        return stream
      })
      // With an offer, descriptions are applied once the streams are known.
      describe()
      answer = {
        type: 'answer',
        sdp: writeSdp(
          offered.map((m) => ({ kind: m.kind, mid: m.mid, port: m.port, direction: m.direction === 'sendonly' || m.direction === 'sendrecv' ? 'recvonly' : 'inactive' })),
        ),
      }
      const wasActive = publisher.active
      publisher.publishing = true
      // A renegotiation of an active publisher: the others hear of its streams again, after its answer.
      if (wasActive) setTimeout(() => this.#notifyAboutPublisher(publisher), 0)
    } else if (describe() && publisher.active) this.#notifyAboutPublisher(publisher)
    this.#pushEvent(
      publisher.handle,
      {
        videoroom: 'event',
        room: publisher.room.id,
        configured: 'ok',
        ...(jsep ? { streams: publisher.streams.map((stream) => this.#streamSummary(stream)) } : {}),
      },
      answer,
      transaction,
    )
  }

  async #joinSubscriber(handle: FakeHandle, body: JanusJson, transaction: string | undefined): Promise<void> {
    const room = await this.#joinable(body)
    const wanted = this.#wantedStreams(room, body.streams)
    const subscriber: Subscriber = { room, handle, streams: [], answered: false, pendingOffer: false, sdpVersion: 0 }
    for (const { publisher, stream } of wanted) this.#addSubscriberStream(subscriber, publisher, stream)
    if (subscriber.streams.length === 0) throw new Refusal(VideoRoomError.INVALID_SDP, "Can't offer an SDP with no stream")
    room.subscribers.add(subscriber)
    handle.subscriber = subscriber
    subscriber.sdpVersion += 1
    this.#pushEvent(handle, { videoroom: 'attached', room: room.id, streams: this.#subscriberSummary(subscriber) }, this.#subscriberOffer(subscriber), transaction)
  }

  /** The publisher streams a `streams` / `subscribe` list names: `{ feed }` (all its streams) or `{ feed, mid }`. */
  #wantedStreams(room: FakeVideoRoomRoom, list: unknown): Array<{ publisher: Publisher; stream: PublisherStream }> {
    if (!Array.isArray(list) || list.length === 0) throw new Refusal(VideoRoomError.MISSING_ELEMENT, 'Missing mandatory element (streams)')
    const wanted: Array<{ publisher: Publisher; stream: PublisherStream }> = []
    for (const entry of list as JanusJson[]) {
      const publisher = room.participants.get(entry.feed as number)
      if (!publisher || !publisher.active) throw new Refusal(VideoRoomError.NO_SUCH_FEED, `No such feed (${String(entry.feed)})`)
      for (const stream of publisher.streams) {
        if (stream.disabled) continue
        if (entry.mid !== undefined && entry.mid !== stream.mid) continue
        wanted.push({ publisher, stream })
      }
    }
    return wanted
  }

  /**
   * Adds an m-line relaying `stream`, reusing an inactive one of the same type
   * (janus_videoroom_subscriber_stream_add_or_replace); data goes to the one shared data m-line.
   */
  #addSubscriberStream(subscriber: Subscriber, publisher: Publisher, stream: PublisherStream): boolean {
    if (stream.type === 'data') {
      const shared = subscriber.streams.find((existing) => existing.type === 'data')
      if (shared?.dataSources?.has(publisher)) return false
      if (shared) shared.dataSources = new Set([...(shared.dataSources ?? []), publisher])
      else subscriber.streams.push({ mindex: subscriber.streams.length, mid: String(subscriber.streams.length), type: 'data', dataSources: new Set([publisher]) })
      return true
    }
    if (subscriber.streams.some((existing) => existing.source?.stream === stream)) return false
    const reusable = subscriber.streams.find((existing) => !existing.source && existing.type === stream.type)
    if (reusable) reusable.source = { publisher, stream }
    else subscriber.streams.push({ mindex: subscriber.streams.length, mid: String(subscriber.streams.length), type: stream.type, source: { publisher, stream } })
    return true
  }

  #update(subscriber: Subscriber, body: JanusJson, transaction: string | undefined): void {
    let changes = 0
    if (body.subscribe !== undefined)
      for (const { publisher, stream } of this.#wantedStreams(subscriber.room, body.subscribe)) if (this.#addSubscriberStream(subscriber, publisher, stream)) changes += 1
    for (const entry of Array.isArray(body.unsubscribe) ? (body.unsubscribe as JanusJson[]) : []) {
      for (const stream of subscriber.streams) {
        if (stream.dataSources && entry.feed !== undefined && entry.mid === undefined) {
          const publisher = [...stream.dataSources].find((candidate) => candidate.id === entry.feed)
          if (publisher) {
            stream.dataSources.delete(publisher)
            changes += 1
          }
        }
        const source = stream.source
        if (!source) continue
        if (
          (entry.feed !== undefined && entry.feed === source.publisher.id && (entry.mid === undefined || entry.mid === source.stream.mid)) ||
          (entry.sub_mid !== undefined && entry.sub_mid === stream.mid)
        ) {
          stream.source = undefined
          changes += 1
        }
      }
    }
    if (changes === 0) {
      this.#pushEvent(subscriber.handle, { videoroom: 'updated', room: subscriber.room.id }, undefined, transaction)
      return
    }
    if (!subscriber.answered) {
      subscriber.pendingOffer = true
      this.#pushEvent(subscriber.handle, { videoroom: 'updating', room: subscriber.room.id }, undefined, transaction)
      return
    }
    this.#offerToSubscriber(subscriber, transaction)
  }

  /** A new offer to a subscriber (`updated` with the streams), or later when the last one is not answered yet. */
  #offerToSubscriber(subscriber: Subscriber, transaction?: string): void {
    if (subscriber.handle.subscriber !== subscriber) return
    if (!subscriber.answered) {
      subscriber.pendingOffer = true
      return
    }
    subscriber.answered = false
    subscriber.sdpVersion += 1
    this.#pushEvent(
      subscriber.handle,
      { videoroom: 'updated', room: subscriber.room.id, streams: this.#subscriberSummary(subscriber) },
      this.#subscriberOffer(subscriber),
      transaction,
    )
  }

  #subscriberOffer(subscriber: Subscriber): JanusJson {
    return {
      type: 'offer',
      sdp: writeSdp(
        subscriber.streams.map((stream) => ({
          kind: stream.type === 'data' ? ('application' as const) : stream.type,
          mid: stream.mid,
          port: 9,
          direction: stream.source || stream.type === 'data' ? 'sendonly' : 'inactive',
          ...(stream.source ? { trackId: `janus-${stream.source.publisher.id}-${stream.source.stream.mid}` } : {}),
        })),
        subscriber.sdpVersion,
      ),
    }
  }

  /** janus_videoroom_subscriber_streams_summary. */
  #subscriberSummary(subscriber: Subscriber): JanusJson[] {
    return subscriber.streams.map((stream) => {
      const source = stream.source
      if (stream.type === 'data') {
        const sources = [...(stream.dataSources ?? [])]
        return {
          type: 'data',
          active: true,
          mindex: stream.mindex,
          mid: stream.mid,
          ready: false,
          send: true,
          sources: sources.length,
          source_ids: sources.map((publisher) => publisher.id),
        }
      }
      return {
        type: stream.type,
        active: source !== undefined,
        mindex: stream.mindex,
        mid: stream.mid,
        ready: false,
        send: true,
        ...(source
          ? {
              feed_id: source.publisher.id,
              ...(source.publisher.display === undefined ? {} : { feed_display: source.publisher.display }),
              feed_mid: source.stream.mid,
              codec: stream.type === 'audio' ? 'opus' : 'vp8',
            }
          : {}),
      }
    })
  }

  #streamSummary(stream: PublisherStream): JanusJson {
    return {
      type: stream.type,
      mindex: stream.mindex,
      mid: stream.mid,
      ...(stream.disabled
        ? { disabled: true }
        : {
            ...(stream.description === undefined ? {} : { description: stream.description }),
            ...(stream.type === 'data' ? {} : { codec: stream.type === 'audio' ? 'opus' : 'vp8' }),
          }),
      ...(stream.muted ? { moderated: true } : {}),
      ...(stream.type === 'audio' ? { talking: stream.talking } : {}),
    }
  }

  #publisherSummary(publisher: Publisher): JanusJson {
    return {
      id: publisher.id,
      ...(publisher.display === undefined ? {} : { display: publisher.display }),
      streams: publisher.streams.map((stream) => this.#streamSummary(stream)),
      ...(publisher.room.audioLevelEvent ? { talking: publisher.streams.some((stream) => stream.talking) } : {}),
    }
  }

  /** janus_videoroom_notify_participants: every participant of the room (publisher handles), the source only when asked. */
  #notifyParticipants(source: Publisher, event: JanusJson, notifySource: boolean): void {
    for (const participant of source.room.participants.values()) if (participant !== source || notifySource) this.#pushEvent(participant.handle, event)
  }

  /** janus_videoroom_notify_about_publisher: `event { publishers: [it] }` to the others. */
  #notifyAboutPublisher(publisher: Publisher): void {
    if (!publisher.active || this.rooms.get(publisher.room.id) !== publisher.room) return
    this.#notifyParticipants(publisher, { videoroom: 'event', room: publisher.room.id, publishers: [this.#publisherSummary(publisher)] }, false)
    // Subscribers already relaying it get nothing new; Janus does not add streams to them by itself.
  }

  /** The core closes a handle's PeerConnection (`close_pc`): hangup_media, and the page hears `hangup`. */
  #closePeerConnection(handle: FakeHandle): void {
    this.#hangupMedia(handle)
  }

  /** A publisher stops publishing (janus_videoroom_hangup_media → leave_or_unpublish(FALSE)): `unpublished: id`, subscribers' m-lines go inactive. */
  #unpublish(publisher: Publisher): void {
    const wasActive = publisher.active
    publisher.active = false
    publisher.publishing = false
    for (const stream of publisher.streams) stream.talking = false
    const room = publisher.room
    for (const subscriber of room.subscribers) {
      let changed = false
      for (const stream of subscriber.streams) {
        if (stream.source?.publisher === publisher) {
          stream.source = undefined
          changed = true
        }
        if (stream.dataSources?.delete(publisher)) changed = true
      }
      if (changed) this.#offerToSubscriber(subscriber)
    }
    publisher.streams = []
    // Only while still a participant (leave_or_unpublish returns once participant->room is gone).
    if (wasActive && !publisher.kicked && room.participants.get(publisher.id) === publisher) {
      this.#notifyParticipants(publisher, { videoroom: 'event', room: room.id, unpublished: publisher.id }, false)
    }
  }

  /** janus_videoroom_leave_or_unpublish(TRUE, kicked): `leaving: id` (or `kicked: id`) to the others, and out of the room. */
  #leave(publisher: Publisher, kicked: boolean): void {
    const room = publisher.room
    if (!room.participants.has(publisher.id)) return
    this.#notifyParticipants(publisher, { videoroom: 'event', room: room.id, [kicked ? 'kicked' : 'leaving']: publisher.id }, false)
    room.participants.delete(publisher.id)
  }

  #setTalking(publisher: Publisher, stream: PublisherStream, talking: boolean, dBov: number): void {
    if (stream.talking === talking) return
    stream.talking = talking
    this.#notifyParticipants(
      publisher,
      { videoroom: talking ? 'talking' : 'stopped-talking', room: publisher.room.id, id: publisher.id, mindex: stream.mindex, mid: stream.mid, 'audio-level-dBov-avg': dBov },
      true,
    )
  }

  // ---- Back doors: what the network and the media would show ----

  /** The participants of a room whose display is this identity (a camera publisher, and a screen one when sharing). */
  publishersOf(roomId: number, identity: string): Array<{ id: number; display?: string; active: boolean }> {
    const room = this.rooms.get(roomId)
    if (!room) return []
    return [...room.participants.values()]
      .filter((participant) => {
        try {
          return (JSON.parse(participant.display ?? 'null') as { identity?: unknown } | null)?.identity === identity
        } catch {
          return false
        }
      })
      .map((participant) => ({ id: participant.id, active: participant.active, ...(participant.display === undefined ? {} : { display: participant.display }) }))
  }

  /**
   * The audio a publisher sends carries this level (0 silent … 1 full scale) in its RTP audio-level
   * extension: as `janus_videoroom_incoming_rtp` averages it over `audio_active_packets` packets,
   * `talking` once the average (in -dBov, 0 loud … 127 silent) is under the room's
   * `audio_level_average`, `stopped-talking` once it is not. A moderated stream is not measured.
   */
  setAudioLevel(roomId: number, feedId: number, level: number): void {
    const publisher = this.rooms.get(roomId)?.participants.get(feedId)
    if (!publisher || !publisher.room.audioLevelEvent || !publisher.active) return
    const dBov = level <= 0 ? 127 : Math.min(127, Math.round(-20 * Math.log10(Math.min(1, level))))
    for (const stream of publisher.streams) {
      if (stream.type !== 'audio' || stream.disabled) continue
      stream.level = Math.max(0, Math.min(1, level))
      if (!stream.muted) this.#setTalking(publisher, stream, dBov < publisher.room.audioLevelAverage, dBov)
    }
  }

  /**
   * Janus times a session out (no keepalive within `session_timeout`, as when its core token expired
   * and keepalives are refused): it sends `timeout` to the session's transport (janus.c
   * janus_check_sessions in 1.1.2), then frees it: its participants go as when it is destroyed, and
   * its requests meet 458.
   */
  dropSession(sessionId: number): void {
    const session = this.#sessions.get(sessionId)
    if (!session) return
    // Its handles first (janus_session_handles_clear), then the transport hears `timeout`, then the session goes.
    for (const handle of [...session.handles.values()]) this.#detach(handle)
    this.#push(session, { janus: 'timeout' })
    setTimeout(() => this.#destroySession(session), 0)
  }

  /** Listens to RTP stopping or resuming on subscribers' m-lines (a moderated stream); returns the unsubscribe. */
  onRtpFlow(listener: (flow: { session: number; handle: number; mid: string; flowing: boolean }) => void): () => void {
    this.#rtpListeners.add(listener)
    return () => this.#rtpListeners.delete(listener)
  }

  /** RTP of `stream` stops or resumes for every subscriber relaying it (after this turn, as packets would). */
  #rtpFlow(stream: PublisherStream, flowing: boolean): void {
    for (const room of this.rooms.values())
      for (const subscriber of room.subscribers)
        for (const relayed of subscriber.streams)
          if (relayed.source?.stream === stream) {
            const flow = { session: subscriber.handle.session.id, handle: subscriber.handle.id, mid: relayed.mid, flowing }
            setTimeout(() => {
              for (const listener of this.#rtpListeners) listener(flow)
            }, 0)
          }
  }

  /** The session of a participant (feed) of a room. */
  sessionOfFeed(roomId: number, feedId: number): number | undefined {
    return this.rooms.get(roomId)?.participants.get(feedId)?.handle.session.id
  }

  /** Whose stream a subscriber handle's m-line relays: the publisher's session and feed id. */
  relayedFrom(sessionId: number, handleId: number, mid: string): { session: number; feed: number; audioLevel?: number } | undefined {
    const source = this.#sessions
      .get(sessionId)
      ?.handles.get(handleId)
      ?.subscriber?.streams.find((stream) => stream.mid === mid)?.source
    if (!source) return undefined
    // A moderated stream is not relayed: nothing plays.
    const audible = source.stream.type === 'audio' && !source.stream.muted && source.publisher.active
    return { session: source.publisher.handle.session.id, feed: source.publisher.id, ...(audible ? { audioLevel: source.stream.level } : {}) }
  }

  /** Every session id Janus holds now. */
  sessionIds(): number[] {
    return [...this.#sessions.keys()]
  }
}
