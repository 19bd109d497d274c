import type { IncomingMessage, ServerResponse } from 'node:http'
import { CallportError, RoomNameSchema, IdentitySchema, type Participant } from '@callport/core'
import { verifyHs256Jwt } from '@callport/provider-utils/server'
import type { Kick, Member, Mute } from '../shared/protocol'
import { SIGNALING_PROVIDER } from '../shared/provider-id'
import { ADMIN_PATH_PREFIX, AdminClaimsSchema, AdminMuteSchema, AdminUpdateSchema, MAXIMUM_ADMIN_TOKEN_SECONDS, type AdminUpdate } from './admin-protocol'
import type { MemberDirectory } from './member-directory'
import { signalingRoomId } from './room-id'

/** What the admin API acts through: the directory (every process's members) and the cross-process kick and mute. */
export interface AdminContext {
  secret: string
  directory: () => MemberDirectory
  /** Kicks a member wherever it is connected. */
  kickMember(memberId: string, kick: Kick): void
  /** Mutes a member wherever it is connected (`on_mute`, its props set false, `on_props_set` to the room). */
  muteMember(memberId: string, mute: Mute): void
  /** Changes a member's name and/or metadata wherever it is connected (its props follow, `on_props_set` to the room). */
  updateMember(memberId: string, update: AdminUpdate): void
  /** Refuses the credentials of `identity` for the room issued until now, in every process. */
  revoke(roomId: string, identity: string): void
  closing(): boolean
  onError(error: unknown): void
}

/** Largest mute body the admin API reads, in bytes (one is a dozen). */
const MAXIMUM_ADMIN_BODY_BYTES = 1024

/** Largest update body, in bytes: the call server's own body limit (16 KiB), so what it accepts fits. */
const MAXIMUM_ADMIN_UPDATE_BYTES = 16 * 1024

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

type AdminRoute =
  | { name: 'list'; method: 'GET'; room: string }
  | { name: 'close'; method: 'DELETE'; room: string }
  | { name: 'remove'; method: 'DELETE'; room: string; identity: string }
  | { name: 'mute'; method: 'POST'; room: string; identity: string }
  | { name: 'update'; method: 'PATCH'; room: string; identity: string }

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new AdminError(400, 'INVALID_INPUT', 'The path is not valid percent-encoded UTF-8')
  }
}

function matchRoute(pathname: string, method: string | undefined): AdminRoute & { allow?: string } {
  const segments = pathname.slice(ADMIN_PATH_PREFIX.length).split('/')
  const [rooms, room, participants, identity, mute] = segments
  if (rooms === 'rooms' && room) {
    if (segments.length === 2) return { name: 'close', method: 'DELETE', room: decode(room) }
    if (participants === 'participants') {
      if (segments.length === 3) return { name: 'list', method: 'GET', room: decode(room) }
      if (segments.length === 4 && identity) {
        const allow = 'DELETE, PATCH'
        return method === 'PATCH'
          ? { name: 'update', method, room: decode(room), identity: decode(identity), allow }
          : { name: 'remove', method: 'DELETE', room: decode(room), identity: decode(identity), allow }
      }
      if (segments.length === 5 && identity && mute === 'mute') return { name: 'mute', method: 'POST', room: decode(room), identity: decode(identity) }
    }
  }
  throw new AdminError(404, 'NOT_FOUND', 'No such admin route')
}

/** The bearer token's claims; 401 unless it is an admin token of this secret, short-lived, unexpired, 403 for another room. */
function authenticate(request: IncomingMessage, secret: string, room: string): void {
  const header = request.headers.authorization
  const match = header === undefined ? null : /^Bearer ([^\s]+)$/i.exec(header)
  if (!match) throw new AdminError(401, 'UNAUTHORIZED', 'An admin token is required (Authorization: Bearer <token>)', { 'www-authenticate': 'Bearer' })
  let claims: unknown
  try {
    claims = verifyHs256Jwt(match[1]!, secret, { provider: SIGNALING_PROVIDER, clockToleranceSeconds: 5 })
  } catch (error) {
    const message = CallportError.isInstance(error) && error.code === 'TOKEN_EXPIRED' ? 'The admin token expired' : 'The admin token is not valid'
    throw new AdminError(401, 'UNAUTHORIZED', message, { 'www-authenticate': 'Bearer' })
  }
  const parsed = AdminClaimsSchema.safeParse(claims)
  if (!parsed.success) throw new AdminError(401, 'UNAUTHORIZED', 'The token is not an admin token', { 'www-authenticate': 'Bearer' })
  const { iat, exp } = parsed.data
  if (exp - iat > MAXIMUM_ADMIN_TOKEN_SECONDS || iat > Date.now() / 1000 + 60) {
    throw new AdminError(401, 'UNAUTHORIZED', `An admin token may live at most ${MAXIMUM_ADMIN_TOKEN_SECONDS} s`, { 'www-authenticate': 'Bearer' })
  }
  if (parsed.data.room !== room) throw new AdminError(403, 'FORBIDDEN', 'The admin token is for another room')
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new AdminError(413, 'PAYLOAD_TOO_LARGE', `The body must be at most ${limit} bytes`))
        request.resume()
        return
      }
      chunks.push(chunk)
    })
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.once('error', reject)
  })
}

async function readJson<T>(
  request: IncomingMessage,
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  shape: string,
  limit: number,
): Promise<T> {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json') throw new AdminError(415, 'UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json')
  let value: unknown
  try {
    value = JSON.parse(await readBody(request, limit))
  } catch (error) {
    if (error instanceof AdminError) throw error
    throw new AdminError(400, 'INVALID_INPUT', 'The body is not JSON')
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new AdminError(400, 'INVALID_INPUT', `The body must be ${shape}`)
  return parsed.data
}

function valid<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, value: unknown, what: string): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new AdminError(400, 'INVALID_INPUT', `Invalid ${what}`)
  return parsed.data
}

/** A member as a Participant of the core contract; one per identity. */
function participantsOf(members: readonly Member[]): Participant[] {
  const byIdentity = new Map<string, Participant>()
  for (const member of members) {
    if (byIdentity.has(member.name)) continue
    const { display_name: name, metadata } = member.join_props
    byIdentity.set(member.name, {
      identity: member.name,
      role: member.role,
      ...(name === undefined ? {} : { name }),
      ...(metadata === undefined ? {} : { metadata }),
      providerParticipantId: member.id,
    })
  }
  return [...byIdentity.values()]
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return
  const text = body === undefined ? undefined : JSON.stringify(body)
  response.writeHead(status, { 'cache-control': 'no-store', ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...headers })
  response.end(text)
}

/** True when the request is for the admin API (served here), false for any other path. */
export function isAdminRequest(request: IncomingMessage): boolean {
  return request.url?.startsWith(ADMIN_PATH_PREFIX) ?? false
}

/** Serves one admin API request (see `admin-protocol.ts`). Never throws. */
export async function serveAdminRequest(request: IncomingMessage, response: ServerResponse, context: AdminContext): Promise<void> {
  try {
    if (context.closing()) throw new AdminError(503, 'INTERNAL', 'The signaling server is shutting down')
    const { pathname } = new URL(request.url ?? '/', 'http://signaling.invalid')
    const route = matchRoute(pathname, request.method)
    const allow = route.allow ?? route.method
    if (request.method !== route.method) throw new AdminError(405, 'METHOD_NOT_ALLOWED', `Use ${allow} for this route`, { allow })
    const room = valid(RoomNameSchema, route.room, 'room name')
    authenticate(request, context.secret, room)
    const mute = route.name === 'mute' ? await readJson(request, AdminMuteSchema, '{ "kind": "audio" | "video" }', MAXIMUM_ADMIN_BODY_BYTES) : undefined
    const update =
      route.name === 'update'
        ? await readJson(
            request,
            AdminUpdateSchema,
            '{ "name"?: string (1 to 256 characters), "metadata"?: object } with at least one of them, and nothing else',
            MAXIMUM_ADMIN_UPDATE_BYTES,
          )
        : undefined
    const identity = 'identity' in route ? valid(IdentitySchema, route.identity, 'identity') : undefined
    const roomId = signalingRoomId(room)
    const members = await context.directory().list(roomId)
    switch (route.name) {
      case 'list':
        return send(response, 200, { participants: participantsOf(members) })
      case 'close':
        for (const member of members) context.kickMember(member.id, { reason: 'room_closed', message: 'The room was closed' })
        return send(response, 204, undefined)
      case 'remove':
      case 'mute':
      case 'update': {
        const targets = members.filter((member) => member.name === identity)
        if (targets.length === 0) throw new AdminError(404, 'PARTICIPANT_NOT_FOUND', 'Nobody with that identity is in the room')
        // Before the kick: the removed member cannot connect again with the token it holds.
        if (route.name === 'remove' && identity !== undefined) context.revoke(roomId, identity)
        for (const target of targets) {
          if (mute) context.muteMember(target.id, mute)
          else if (update) context.updateMember(target.id, update)
          else context.kickMember(target.id, { reason: 'removed', message: 'A moderator removed you from the room' })
        }
        return send(response, 204, undefined)
      }
    }
  } catch (error) {
    if (error instanceof AdminError) return send(response, error.status, { code: error.code, message: error.message }, error.headers)
    context.onError(error)
    return send(response, 500, { code: 'INTERNAL', message: 'The signaling server failed to handle the request' })
  }
}
