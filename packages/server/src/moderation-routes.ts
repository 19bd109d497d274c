import { IdentitySchema, RoomNameSchema, type Participant } from '@callport/core'
import * as z from 'zod/mini'
import { emptyAnswer, jsonAnswer, type Answer } from './answer'
import type { CallEngine } from './call-engine'
import type { IncomingCall } from './incoming-call'
import type { Moderation } from './moderation'
import { readJsonBody } from './read-json-body'
import { validateInput } from './validate-input'

/** `audio` (the microphone) or `video` (the camera). */
export const TrackKindSchema = z.enum(['audio', 'video'])

/** The body of `POST /rooms/:room/participants/:identity/mute`. */
export const MuteRequestSchema = z.strictObject({ kind: TrackKindSchema })

/** The moderation routes, by path shape; `room` and `identity` are the decoded path segments. */
export type ModerationRoute =
  | { name: 'list-participants'; method: 'GET'; room: string }
  | { name: 'close-room'; method: 'DELETE'; room: string }
  | { name: 'remove-participant'; method: 'DELETE'; room: string; identity: string }
  | { name: 'mute-participant'; method: 'POST'; room: string; identity: string }

/**
 * Serves a moderation route: the actor is who `authorize(request, { room })` says for that room; the
 * moderation policy, the live room and the provider's capability are checked by `moderation`.
 */
export async function serveModeration(route: ModerationRoute, call: IncomingCall, engine: CallEngine, moderation: Moderation): Promise<Answer> {
  const { signal } = call
  // The body first: `authorize` sees a request whose body has been read, as on every route.
  const kind = route.name === 'mute-participant' ? (await readJsonBody(call, MuteRequestSchema)).kind : undefined
  const room = validateInput(RoomNameSchema, route.room, 'room name in the path')
  const identity = 'identity' in route ? validateInput(IdentitySchema, route.identity, 'identity in the path') : undefined
  const actor: Participant = await engine.authorize(call.request(), room)
  if (route.name === 'list-participants') {
    const participants = await moderation.listParticipants({ action: route.name, room, actor, signal })
    return jsonAnswer({ participants }, 200)
  }
  await moderation.act({ action: route.name, room, actor, identity, kind, signal })
  return emptyAnswer(204)
}
