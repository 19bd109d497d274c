import { CallportError, InviteRequestSchema, inviteActions, type InviteAction } from '@callport/core'
import { jsonAnswer, type Answer } from '../answer'
import type { CallEngine } from '../call-engine'
import { decodeSegment } from '../http-handler'
import type { IncomingCall } from '../incoming-call'
import { problemAnswer } from '../problem'
import { readJsonBody } from '../read-json-body'
import { checkStateChangingRequest } from '../request-guard'
import type { InviteService } from './invite-service'

/**
 * The invite routes, below the server's base path:
 * `POST /invites {to, room}` → 201 (the caller is who the request is authorized as);
 * `GET /invites/:id` → 200 (caller or callee);
 * `POST /invites/:id/accept|decline` (callee) and `POST /invites/:id/cancel` (caller) → 200.
 * Returns undefined for a path that is not an invite route.
 */
export type InviteRoutes = (call: IncomingCall, path: string) => Promise<Answer | undefined>

type InviteRoute = { name: 'create'; method: 'POST' } | { name: 'get'; method: 'GET'; id: string } | { name: 'act'; method: 'POST'; id: string; action: InviteAction }

function matchInviteRoute(path: string): InviteRoute | undefined {
  const [empty, first, id, action, ...rest] = path.split('/')
  if (empty !== '' || first !== 'invites' || rest.length > 0) return undefined
  if (id === undefined) return { name: 'create', method: 'POST' }
  if (id === '') return undefined
  if (action === undefined) return { name: 'get', method: 'GET', id: decodeSegment(id) }
  return (inviteActions as readonly string[]).includes(action) ? { name: 'act', method: 'POST', id: decodeSegment(id), action: action as InviteAction } : undefined
}

/** An action's body, if any, is read (so the connection can be reused) and ignored. */
const MAXIMUM_ACTION_BODY_BYTES = 1024

export function createInviteRoutes({ engine, invites }: { engine: CallEngine; invites: InviteService | undefined }): InviteRoutes {
  return async (call, path) => {
    const route = matchInviteRoute(path)
    if (!route) return undefined
    if (!invites) throw new CallportError('NOT_FOUND', 'Invites are not enabled on this server (createCallServer({ invites: { notify } }))')
    if (call.method !== route.method) {
      return problemAnswer(new CallportError('METHOD_NOT_ALLOWED', `Use ${route.method} for this route`), { allow: route.method })
    }
    if (route.method === 'POST') checkStateChangingRequest(call, engine.config.allowedOrigins)
    switch (route.name) {
      case 'create': {
        const { to, room } = await readJsonBody(call, InviteRequestSchema)
        const caller = await engine.authorize(call.request(), room)
        return jsonAnswer(await invites.create({ from: caller.identity, to, room }), 201)
      }
      case 'get': {
        const who = await engine.authorize(call.request(), undefined)
        return jsonAnswer(await invites.get(route.id, who.identity), 200)
      }
      case 'act': {
        await call.readBody(MAXIMUM_ACTION_BODY_BYTES, { consumed: 'ignore' })
        const who = await engine.authorize(call.request(), undefined)
        return jsonAnswer(await invites.act(route.id, route.action, who.identity), 200)
      }
    }
  }
}
