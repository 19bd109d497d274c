import { IdentitySchema, MetadataSchema, RoomNameSchema, type Participant } from '@callport/core'
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

/** Longest display name, in characters (as `Participant.name`). */
const NAME_MAXIMUM_LENGTH = 256

/**
 * The body of `PATCH /rooms/:room/participants/:identity` (and the changes `calls.updateParticipant`
 * takes): a new `name` (1 to 256 characters; vendors such as LiveKit cannot set an empty one) and/or
 * new `metadata` (replacing the old object whole). At least one of them; unknown fields are refused.
 */
export const UpdateParticipantRequestSchema = z
  .strictObject(
    {
      name: z.optional(
        z
          .string({ error: 'name must be a string' })
          .check(z.minLength(1, 'name must not be empty'), z.maxLength(NAME_MAXIMUM_LENGTH, `name must be at most ${NAME_MAXIMUM_LENGTH} characters`)),
      ),
      metadata: z.optional(MetadataSchema),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}: only name and metadata`
          : undefined,
    },
  )
  .check(z.refine((changes) => changes.name !== undefined || changes.metadata !== undefined, 'Give name, metadata or both'))

/** The moderation routes, by path shape; `room` and `identity` are the decoded path segments. */
export type ModerationRoute =
  | { name: 'list-participants'; method: 'GET'; room: string }
  | { name: 'close-room'; method: 'DELETE'; room: string }
  | { name: 'remove-participant'; method: 'DELETE'; room: string; identity: string }
  | { name: 'mute-participant'; method: 'POST'; room: string; identity: string }
  | { name: 'update-participant'; method: 'PATCH'; room: string; identity: string }

/**
 * Serves a moderation route: the actor is who `authorize(request, { room })` says for that room; the
 * moderation policy, the live room and the provider's capability are checked by `moderation`.
 */
export async function serveModeration(route: ModerationRoute, call: IncomingCall, engine: CallEngine, moderation: Moderation): Promise<Answer> {
  const { signal } = call
  // The body first: `authorize` sees a request whose body has been read, as on every route.
  const kind = route.name === 'mute-participant' ? (await readJsonBody(call, MuteRequestSchema)).kind : undefined
  const changes = route.name === 'update-participant' ? await readJsonBody(call, UpdateParticipantRequestSchema) : undefined
  const room = validateInput(RoomNameSchema, route.room, 'room name in the path')
  const identity = 'identity' in route ? validateInput(IdentitySchema, route.identity, 'identity in the path') : undefined
  const actor: Participant = await engine.authorize(call.request(), room)
  if (route.name === 'list-participants') {
    const participants = await moderation.listParticipants({ action: route.name, room, actor, signal })
    return jsonAnswer({ participants }, 200)
  }
  await moderation.act({ action: route.name, room, actor, identity, kind, changes, signal })
  return emptyAnswer(204)
}
