import { CallportError, RoomNameSchema, RoomRequestSchema } from '@callport/core'
import { jsonAnswer, type Answer } from './answer'
import type { CallEngine } from './call-engine'
import type { IncomingCall } from './incoming-call'
import type { InviteRoutes } from './invites/invite-routes'
import type { Moderation } from './moderation'
import { serveModeration, type ModerationRoute } from './moderation-routes'
import { problemAnswer } from './problem'
import { loggedJoin, type JoinAttempt } from './join-log'
import { readJsonBody } from './read-json-body'
import { checkStateChangingRequest } from './request-guard'
import type { LiveRoom, Placement } from './room-placement'
import { validateInput } from './validate-input'
import type { WebhookReceiver } from './webhooks'

export interface HttpHandlerSettings {
  engine: CallEngine
  receiveWebhook: WebhookReceiver
  invites: InviteRoutes
  moderation: Moderation
}

/**
 * The main routes, by path shape. `parameter` is the decoded `:room` or `:provider` segment; `allow`
 * lists the methods of a path several routes share.
 */
type Route = (
  | { name: 'join' | 'create-room'; method: 'POST' }
  | { name: 'get-room'; method: 'GET'; parameter: string }
  | { name: 'issue-token' | 'webhook'; method: 'POST'; parameter: string }
  | ModerationRoute
) & { allow?: string }

/** A path segment, percent-decoded; INVALID_INPUT when it is not valid UTF-8. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch (cause) {
    throw new CallportError('INVALID_INPUT', 'The request path is not valid percent-encoded UTF-8', { cause })
  }
}

function matchRoute(path: string, method: string): Route | undefined {
  const segments = path.split('/')
  if (segments[0] !== '') return undefined
  const [, first, second, third, fourth, fifth] = segments
  switch (segments.length) {
    case 2:
      if (first === 'join') return { name: 'join', method: 'POST' }
      if (first === 'rooms') return { name: 'create-room', method: 'POST' }
      return undefined
    case 3:
      if (second === undefined || second === '') return undefined
      if (first === 'rooms') {
        const room = decodeSegment(second)
        return method === 'DELETE' ? { name: 'close-room', method, room, allow: 'GET, DELETE' } : { name: 'get-room', method: 'GET', parameter: room, allow: 'GET, DELETE' }
      }
      if (first === 'webhooks') return { name: 'webhook', method: 'POST', parameter: decodeSegment(second) }
      return undefined
    case 4:
      if (first !== 'rooms' || !second) return undefined
      if (third === 'tokens') return { name: 'issue-token', method: 'POST', parameter: decodeSegment(second) }
      if (third === 'participants') return { name: 'list-participants', method: 'GET', room: decodeSegment(second) }
      return undefined
    case 5:
      if (first === 'rooms' && second && third === 'participants' && fourth) {
        const room = decodeSegment(second)
        const identity = decodeSegment(fourth)
        return method === 'PATCH'
          ? { name: 'update-participant', method, room, identity, allow: 'DELETE, PATCH' }
          : { name: 'remove-participant', method: 'DELETE', room, identity, allow: 'DELETE, PATCH' }
      }
      return undefined
    case 6:
      if (first === 'rooms' && second && third === 'participants' && fourth && fifth === 'mute') {
        return { name: 'mute-participant', method: 'POST', room: decodeSegment(second), identity: decodeSegment(fourth) }
      }
      return undefined
    default:
      return undefined
  }
}

/** The path below `basePath`, or undefined when the request is not under it. */
export function pathBelow(pathname: string, basePath: string): string | undefined {
  if (basePath === '') return pathname
  if (pathname === basePath) return '/'
  if (pathname.startsWith(basePath) && pathname.charCodeAt(basePath.length) === 47 /* / */) return pathname.slice(basePath.length)
  return undefined
}

function placementHeaders({ room, failoverFrom }: Pick<Placement, 'room' | 'failoverFrom'>): Record<string, string> {
  const headers: Record<string, string> = { 'callport-provider': room.provider }
  if (failoverFrom.length > 0) headers['callport-failover-from'] = failoverFrom.join(', ')
  return headers
}

/** The HTTP API: routes, validation, and problem answers. It never throws. */
export function createHttpHandler({ engine, receiveWebhook, invites, moderation }: HttpHandlerSettings): (call: IncomingCall) => Promise<Answer> {
  const { basePath, onError, logger, allowedOrigins } = engine.config

  async function liveRoomOrNotFound(name: string, signal: AbortSignal): Promise<LiveRoom> {
    const live = await engine.placement.live(name, signal)
    if (!live) throw new CallportError('ROOM_NOT_FOUND', `Room "${name}" is not live`)
    return live
  }

  /** Runs a route that issues a token, logging one `join-failed` line when it fails. */
  const joining = (attempt: JoinAttempt, run: (attempt: JoinAttempt) => Promise<Answer>): Promise<Answer> => loggedJoin(logger, attempt, run)

  async function serve(route: Route, call: IncomingCall): Promise<Answer> {
    const { signal } = call
    if (route.name !== 'webhook' && route.method !== 'GET') checkStateChangingRequest(call, allowedOrigins)
    switch (route.name) {
      case 'join':
        return joining({ route: 'POST /join', started: performance.now() }, async (attempt) => {
          const { room } = await readJsonBody(call, RoomRequestSchema)
          attempt.room = room
          const participant = await engine.authorize(call.request(), room)
          attempt.identity = participant.identity
          const { placement, token } = await engine.join(room, participant, signal)
          return jsonAnswer({ room: placement.room, token }, 200, placementHeaders(placement))
        })
      case 'create-room': {
        const { room } = await readJsonBody(call, RoomRequestSchema)
        const participant = await engine.authorize(call.request(), room)
        const placement = await engine.placement.place(room, participant, signal)
        return jsonAnswer({ room: placement.room }, placement.created ? 201 : 200, placementHeaders(placement))
      }
      case 'get-room': {
        const name = validateInput(RoomNameSchema, route.parameter, 'room name in the path')
        await engine.authorize(call.request(), name)
        const live = await liveRoomOrNotFound(name, signal)
        const participants = await engine.participants(live, signal)
        const body = participants === undefined ? { room: live.room } : { room: live.room, participants }
        return jsonAnswer(body, 200, { 'callport-provider': live.room.provider })
      }
      case 'issue-token':
        return joining({ route: 'POST /rooms/:room/tokens', started: performance.now() }, async (attempt) => {
          const name = validateInput(RoomNameSchema, route.parameter, 'room name in the path')
          attempt.room = name
          const participant = await engine.authorize(call.request(), name)
          attempt.identity = participant.identity
          const live = await liveRoomOrNotFound(name, signal)
          const { room, token } = await engine.issueToken(live, participant, { signal })
          return jsonAnswer({ room, token }, 200, { 'callport-provider': room.provider })
        })
      case 'webhook':
        return receiveWebhook(call, route.parameter)
      case 'list-participants':
      case 'remove-participant':
      case 'mute-participant':
      case 'update-participant':
      case 'close-room':
        return serveModeration(route, call, engine, moderation)
    }
  }

  async function handle(call: IncomingCall): Promise<Answer> {
    const path = pathBelow(call.pathname, basePath)
    if (path === undefined) throw new CallportError('NOT_FOUND', 'No such route')
    const route = matchRoute(path, call.method)
    if (!route) {
      const invite = await invites(call, path)
      if (invite) return invite
      throw new CallportError('NOT_FOUND', 'No such route')
    }
    if (call.method !== route.method) {
      const allow = route.allow ?? route.method
      return problemAnswer(new CallportError('METHOD_NOT_ALLOWED', `Use ${allow} for this route`), { allow })
    }
    return serve(route, call)
  }

  return async (call) => {
    try {
      return await handle(call)
    } catch (error) {
      const failure = CallportError.isInstance(error) ? error : new CallportError('INTERNAL', 'Unexpected error', { cause: error })
      if (failure.code === 'INTERNAL') onError(error)
      return problemAnswer(failure)
    }
  }
}
