import * as z from 'zod/mini'
import { CallportError, type CompatContext, type CompatHandler, type Participant, type Room } from '@callport/core'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { roomOfSessionId } from './session-id'

/**
 * The routes of OpenVidu's "application server" samples (openvidu-basic-node, -java, …), so that a
 * page written for them works unchanged against Callport:
 *
 * - `POST /api/sessions` with `{customSessionId?}` answers the session id;
 * - `POST /api/sessions/:sessionId/connections` with connection properties answers the token;
 *
 * each as a JSON string (`application/json`, as openvidu-basic-dotnet answers; axios and jQuery pages
 * read it as the string), or as bare text (`text/plain`, as openvidu-basic-node and -java answer; for
 * pages that read the raw body, such as Angular's `responseType: 'text'`).
 *
 * Unlike the samples, both routes run the app's `authorize` (a refusal is a 401 problem), the role
 * comes from `authorize` (a `role` in the body is ignored), and the session is recorded as live on
 * OpenVidu so that `/join` and these routes agree about where the room is.
 */

/** The name `createCallServer({ compat: [...] })` enables these routes by. */
export const OPENVIDU_SAMPLES_COMPAT = 'openvidu-samples'

/** Largest request body the routes read. */
const MAXIMUM_BODY_BYTES = 64 * 1024

const SessionBodySchema = z.looseObject({ customSessionId: z.optional(z.string()) })

/** The connection properties the samples pass through to OpenVidu (`ConnectionProperties.fromJson`). */
const ConnectionBodySchema = z.looseObject({
  type: z.optional(z.nullable(z.literal('WEBRTC', 'Only WEBRTC connections can be created through Callport'))),
  data: z.optional(z.nullable(z.string())),
  record: z.optional(z.nullable(z.boolean())),
  kurentoOptions: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  customIceServers: z.optional(z.nullable(z.array(z.unknown()))),
})
export type SampleConnectionBody = z.infer<typeof ConnectionBodySchema>

/** What the routes need of the adapter: a token for a participant, with the sample's connection properties. */
export type SampleConnectionIssuer = (room: Room, participant: Participant, body: SampleConnectionBody, signal: AbortSignal) => Promise<string>

const CONNECTIONS_PATH = /^\/api\/sessions\/([^/]+)\/connections$/

/** How the routes answer the id and the token: a JSON string, or bare text. */
export type SamplesAnswerFormat = 'json' | 'text'

function answer(value: string, format: SamplesAnswerFormat): Response {
  return format === 'json'
    ? new Response(JSON.stringify(value), { status: 200, headers: { 'content-type': 'application/json' } })
    : new Response(value, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } })
}

async function readBody<T>(request: Request, schema: z.ZodMiniType<T>): Promise<T> {
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
  const parsed = schema.safeParse(json ?? {})
  if (!parsed.success) {
    throw new CallportError('INVALID_INPUT', `Invalid request body: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`, {
      provider: OPENVIDU_PROVIDER,
      details: parsed.error.issues,
    })
  }
  return parsed.data
}

async function authorized(context: CompatContext): Promise<Participant> {
  const participant = await context.authorize()
  if (!participant) throw new CallportError('UNAUTHORIZED', 'The request is not authorized', { provider: OPENVIDU_PROVIDER })
  return participant
}

const ID_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A session id in OpenVidu's own format (`ses_` + an uppercase letter + 9 letters or digits), for a page that asks for none. */
export function generatedSessionId(random: (size: number) => Uint8Array = (size) => crypto.getRandomValues(new Uint8Array(size))): string {
  const bytes = random(10)
  let id = 'ses_'
  bytes.forEach((byte, index) => {
    id += index === 0 ? ID_CHARACTERS[byte % 26] : ID_CHARACTERS[byte % ID_CHARACTERS.length]
  })
  return id
}

function roomNameOf(customSessionId: string): string {
  const name = roomOfSessionId(customSessionId)
  if (name === undefined) {
    throw new CallportError(
      'INVALID_INPUT',
      'customSessionId must start with a letter or digit and contain only letters, digits, "_" and "-" (at most 128 characters)',
      { provider: OPENVIDU_PROVIDER },
    )
  }
  return name
}

/** The compatibility handler of the OpenVidu samples routes. */
export function createSamplesCompatHandler(issue: SampleConnectionIssuer, format: SamplesAnswerFormat = 'json'): CompatHandler {
  return async (request, path, context) => {
    if (request.method !== 'POST') return undefined
    if (path === '/api/sessions') {
      await authorized(context)
      const { customSessionId } = await readBody(request, SessionBodySchema)
      const room = await context.ensureRoom(roomNameOf(customSessionId || generatedSessionId()))
      return answer(room.providerRoomId, format)
    }
    const match = CONNECTIONS_PATH.exec(path)
    if (!match) return undefined
    let sessionId: string
    try {
      sessionId = decodeURIComponent(match[1] ?? '')
    } catch {
      return new Response(null, { status: 404 })
    }
    const name = roomOfSessionId(sessionId)
    // The samples answer an unknown session with an empty 404.
    if (name === undefined) return new Response(null, { status: 404 })
    const participant = await authorized(context)
    const body = await readBody(request, ConnectionBodySchema)
    const room = await context.ensureRoom(name)
    return answer(await issue(room, participant, body, request.signal), format)
  }
}
