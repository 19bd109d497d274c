import { STATUS_CODES } from 'node:http'
import * as z from 'zod/mini'
import { CallportError, toCallportError, type Participant, type Room } from '@callport/core'
import { parseInput } from '@callport/provider-utils'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import type { OpenViduServerAdapter } from './openvidu-server-adapter'
import { sampleOperationsOf, type SampleConnectionProperties } from './sample-connections'
import { roomOfSessionId } from './session-id'

/**
 * The routes of OpenVidu's "application server" samples (openvidu-basic-node, -java, …), so that a
 * page written for them works unchanged against Callport:
 *
 * - `POST /api/sessions` with session properties (passed on whole) answers the session id;
 * - `POST /api/sessions/:sessionId/connections` with connection properties answers the token;
 *
 * each as the bare string by default (`text/plain`), as openvidu-basic-node (`res.send(id)`), -java
 * (`ResponseEntity<String>`) and -python (a `str` from the Flask view) 2.32.2 answer; or as a JSON
 * string (`answerFormat: 'json'`).
 *
 * Unlike the samples, both routes run the app's `authorize` (a refusal is a 401 problem), the role
 * comes from `authorize` (a `role` in the body is ignored), and the session is recorded as live on
 * OpenVidu so that `/join` and these routes agree about where the room is.
 */

/**
 * What the routes need of the app's call server (`createCallServer` from `@callport/server` has all of it).
 */
export interface OpenViduSampleRoutesCallServer {
  /** The path the call server answers under; the routes answer below it too. */
  readonly basePath?: string
  /** Runs the app's `authorize` on a request about `room`: the participant, or a CallportError (UNAUTHORIZED when refused). */
  authorize(request: Request, options: { room: string }): Promise<Participant>
  /** Creates the room on `provider`, or gets it if it is live there, and records it as live (CONFLICT when live on another provider). */
  ensureRoom(options: { room: string; provider: string; signal?: AbortSignal }): Promise<Room>
}

/** Options of {@link openViduSampleRoutes}. */
export interface OpenViduSampleRoutesOptions {
  /** The app's call server. */
  calls: OpenViduSampleRoutesCallServer
  /** The adapter `openvidu()` made, the one given to the call server: connections are created through it. */
  provider: OpenViduServerAdapter
  /** Where the routes answer. Default: the call server's `basePath` (`''` when it has none). */
  basePath?: string
  /**
   * How the session id and the token are answered: `text`, the bare value, as openvidu-basic-node,
   * -java and -python answer (axios and jQuery pages read it as the string, Angular's
   * `responseType: 'text'` and `fetch(…).text()` need it); or `json`, a JSON string. Default `text`.
   */
  answerFormat?: 'json' | 'text'
  /** Called with anything unexpected (answered as a 500 problem that reveals nothing). Default: `console.error`. */
  onError?: (error: unknown) => void
}

/** Largest request body the routes read. */
const MAXIMUM_BODY_BYTES = 64 * 1024

/**
 * The session properties of `POST /openvidu/api/sessions` (mediaMode, recordingMode,
 * defaultRecordingProperties, forcedVideoCodec, allowTranscoding, customSessionId, mediaNode …): the
 * whole object is passed on, as the sample servers pass it (openvidu-basic-node 2.32.2 `index.js`:
 * `openvidu.createSession(req.body)`; -java `Controller.java`: `SessionProperties.fromJson(params)`;
 * -python `app.py`: `json=body`), and OpenVidu checks it (a 400 with its message).
 */
const SessionBodySchema = z.looseObject({ customSessionId: z.optional(z.nullable(z.string())) })

/** The connection properties the samples pass through to OpenVidu (`ConnectionProperties.fromJson`). */
const ConnectionBodySchema = z.looseObject({
  type: z.optional(z.nullable(z.literal('WEBRTC', 'Only WEBRTC connections can be created through Callport'))),
  data: z.optional(z.nullable(z.string())),
  record: z.optional(z.nullable(z.boolean())),
  kurentoOptions: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  customIceServers: z.optional(z.nullable(z.array(z.unknown()))),
})

const OptionsSchema = z.object({
  calls: z.custom<OpenViduSampleRoutesCallServer>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { authorize?: unknown }).authorize === 'function' &&
      typeof (value as { ensureRoom?: unknown }).ensureRoom === 'function',
    'calls must be the call server (with authorize and ensureRoom)',
  ),
  provider: z.custom<OpenViduServerAdapter>((value) => typeof value === 'object' && value !== null, 'provider must be the adapter openvidu() made'),
  basePath: z.optional(z.string().check(z.regex(/^(\/[^?#]*)?$/, 'basePath must be empty or start with "/"'))),
  answerFormat: z.optional(z.enum(['json', 'text'])),
  onError: z.optional(z.custom<(error: unknown) => void>((value) => typeof value === 'function', 'onError must be a function')),
})

const CONNECTIONS_PATH = /^\/api\/sessions\/([^/]+)\/connections$/
const ID_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const NO_STORE = { 'cache-control': 'no-store' }

/** A session id in OpenVidu's own format (`ses_` + an uppercase letter + 9 letters or digits), for a page that asks for none. */
export function generatedSessionId(random: (size: number) => Uint8Array = (size) => crypto.getRandomValues(new Uint8Array(size))): string {
  const bytes = random(10)
  let id = 'ses_'
  bytes.forEach((byte, index) => {
    id += index === 0 ? ID_CHARACTERS[byte % 26] : ID_CHARACTERS[byte % ID_CHARACTERS.length]
  })
  return id
}

function answer(value: string, format: 'json' | 'text'): Response {
  return format === 'json'
    ? new Response(JSON.stringify(value), { status: 200, headers: { 'content-type': 'application/json', ...NO_STORE } })
    : new Response(value, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', ...NO_STORE } })
}

/** An `application/problem+json` answer, as the call server's own routes answer errors. INTERNAL reveals nothing. */
function problem(error: CallportError): Response {
  const status = error.status
  const body = {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code: error.code,
    detail: error.code === 'INTERNAL' ? 'The server failed to handle the request' : error.message,
    ...(error.provider === undefined ? {} : { provider: error.provider }),
    ...(error.code === 'INTERNAL' ? {} : { retryable: error.retryable }),
  }
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json', ...NO_STORE } })
}

async function readBody<Schema extends z.ZodMiniType>(request: Request, schema: Schema): Promise<z.infer<Schema>> {
  const bytes = new Uint8Array(await request.arrayBuffer())
  if (bytes.byteLength > MAXIMUM_BODY_BYTES) {
    throw new CallportError('PAYLOAD_TOO_LARGE', `The request body must be at most ${MAXIMUM_BODY_BYTES} bytes`, { provider: OPENVIDU_PROVIDER })
  }
  const text = new TextDecoder().decode(bytes).trim()
  let json: unknown = {}
  if (text !== '') {
    try {
      json = JSON.parse(text)
    } catch (cause) {
      throw new CallportError('INVALID_INPUT', 'The request body is not JSON', { provider: OPENVIDU_PROVIDER, cause })
    }
  }
  return parseInput(schema, json ?? {}, { subject: 'Invalid request body', provider: OPENVIDU_PROVIDER })
}

function roomNameOf(customSessionId: string): string {
  const name = roomOfSessionId(customSessionId)
  if (name === undefined) {
    throw new CallportError(
      'INVALID_INPUT',
      'customSessionId must contain only letters, digits, "_" and "-" (as OpenVidu requires), and be at most 128 characters (119 when it starts with "_" or "-")',
      { provider: OPENVIDU_PROVIDER },
    )
  }
  return name
}

/** The path below `basePath`, or undefined outside it. */
function pathBelow(pathname: string, basePath: string): string | undefined {
  if (basePath === '') return pathname
  if (pathname === basePath) return '/'
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined
}

/** The request as `authorize` sees it: method, URL and headers (the body is the routes' to read). */
function withoutBody(request: Request): Request {
  return new Request(request.url, { method: request.method, headers: request.headers, signal: request.signal })
}

/**
 * The routes of OpenVidu's application-server samples as a Fetch API handler, for apps whose pages
 * were written for those samples: `POST <basePath>/api/sessions` and
 * `POST <basePath>/api/sessions/:sessionId/connections`. It answers those two and returns undefined
 * for every other request, so the app calls it beside the call server:
 *
 * ```ts
 * const samples = openViduSampleRoutes({ calls, provider: openViduAdapter })
 * const handle = async (request: Request) => (await samples(request)) ?? calls.fetch(request)
 * ```
 *
 * Both routes run the call server's `authorize` (the room is passed as `room`) and take the role from
 * it; the session is recorded as live on OpenVidu. The page's `data` becomes the connection's server
 * data as it is, except data that could pass for Callport's participant data, which is refused (400).
 */
export function openViduSampleRoutes(options: OpenViduSampleRoutesOptions): (request: Request) => Promise<Response | undefined> {
  const valid = parseInput(OptionsSchema, options, { subject: 'Invalid openViduSampleRoutes options', provider: OPENVIDU_PROVIDER })
  const { calls } = valid
  const operations = sampleOperationsOf(valid.provider)
  const issue = operations.issue
  const provider = valid.provider.provider
  const basePath = (valid.basePath ?? calls.basePath ?? '').replace(/\/+$/, '')
  const format = valid.answerFormat ?? 'text'
  const onError = valid.onError ?? ((error: unknown) => console.error('[callport] unexpected error in the OpenVidu samples routes', error))

  async function createSession(request: Request): Promise<Response> {
    const body = await readBody(request, SessionBodySchema)
    const sessionId = body.customSessionId || generatedSessionId()
    const room = roomNameOf(sessionId)
    await calls.authorize(withoutBody(request), { room })
    // The page's session properties reach OpenVidu; then the call server records the session as live there.
    const created = await operations.createSession(sessionId, body, request.signal)
    let live: Room
    try {
      live = await calls.ensureRoom({ room, provider, signal: request.signal })
    } catch (error) {
      // Live on another provider (CONFLICT), say: do not leave the session just made behind.
      if (created) await operations.deleteSession(sessionId).catch(() => undefined)
      throw error
    }
    return answer(live.providerRoomId, format)
  }

  async function createConnection(request: Request, encodedSessionId: string): Promise<Response> {
    let sessionId: string
    try {
      sessionId = decodeURIComponent(encodedSessionId)
    } catch {
      return new Response(null, { status: 404 })
    }
    const room = roomOfSessionId(sessionId)
    // The samples answer an unknown session with an empty 404.
    if (room === undefined) return new Response(null, { status: 404 })
    const participant = await calls.authorize(withoutBody(request), { room })
    const body = await readBody(request, ConnectionBodySchema)
    const properties: SampleConnectionProperties = {
      ...(typeof body.data === 'string' ? { data: body.data } : {}),
      ...(typeof body.record === 'boolean' ? { record: body.record } : {}),
      ...(body.kurentoOptions ? { kurentoOptions: body.kurentoOptions } : {}),
      ...(body.customIceServers ? { customIceServers: body.customIceServers } : {}),
    }
    const live = await calls.ensureRoom({ room, provider, signal: request.signal })
    return answer(await issue(live, participant, properties, request.signal), format)
  }

  return async (request) => {
    if (request.method !== 'POST') return undefined
    const path = pathBelow(new URL(request.url).pathname, basePath)
    if (path === undefined) return undefined
    const match = path === '/api/sessions' ? undefined : CONNECTIONS_PATH.exec(path)
    if (path !== '/api/sessions' && !match) return undefined
    try {
      return match ? await createConnection(request, match[1] ?? '') : await createSession(request)
    } catch (thrown) {
      const error = toCallportError(thrown, { provider: OPENVIDU_PROVIDER })
      if (error.code === 'INTERNAL') onError(thrown)
      return problem(error)
    }
  }
}
