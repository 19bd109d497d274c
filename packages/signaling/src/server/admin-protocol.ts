import { MetadataSchema, ParticipantSchema } from '@callport/core'
import * as z from 'zod/mini'

/**
 * The signaling server's admin HTTP API, which the server half (`signaling()`) calls for moderation.
 * It is served on the signaling server's own listener, beside socket.io:
 *
 * - `GET    /callport/v1/rooms/:room/participants` → 200 `{ participants: Participant[] }`
 * - `DELETE /callport/v1/rooms/:room/participants/:identity` → 204 (`on_kick { reason: 'removed' }`, then disconnect)
 * - `POST   /callport/v1/rooms/:room/participants/:identity/mute` `{ "kind": "audio" | "video" }` → 204 (`on_mute`)
 * - `PATCH  /callport/v1/rooms/:room/participants/:identity` `{ "name"?, "metadata"? }` → 204 (its `display_name` /
 *   `metadata` props replaced, `on_props_set` to the room)
 * - `DELETE /callport/v1/rooms/:room` → 204 (`on_kick { reason: 'room_closed' }` to everyone)
 *
 * `:room` is the app's room name, `:identity` a participant's identity, both percent-encoded. Every
 * request carries `Authorization: Bearer <admin token>`: an HS256 JWT signed with the shared secret
 * whose claims are {@link AdminClaimsSchema}: a participant's credential (no `aud`) is refused.
 * Errors are `{ code, message }` JSON: 401 UNAUTHORIZED, 403 FORBIDDEN (a token for another room),
 * 400 INVALID_INPUT, 404 PARTICIPANT_NOT_FOUND or NOT_FOUND, 405, 413, 415, 503 while shutting down.
 */
export const ADMIN_PATH_PREFIX = '/callport/v1/'

/** The `aud` claim of an admin token: what sets it apart from a participant's credential. */
export const ADMIN_AUDIENCE = 'callport-signaling-admin'

/** How long the server half's admin tokens live, in seconds. */
export const ADMIN_TOKEN_SECONDS = 60

/** The longest lifetime (`exp - iat`) the server accepts for an admin token, in seconds. */
export const MAXIMUM_ADMIN_TOKEN_SECONDS = 300

/** Claims of an admin token: for one room, for a short time. */
export const AdminClaimsSchema = z.object({
  iss: z.literal('callport-signaling'),
  aud: z.literal(ADMIN_AUDIENCE),
  /** The app's room name the token may act on. */
  room: z.string().check(z.minLength(1)),
  iat: z.number(),
  exp: z.number(),
})
export type AdminClaims = z.infer<typeof AdminClaimsSchema>

/** The body of the mute request. */
export const AdminMuteSchema = z.strictObject({ kind: z.enum(['audio', 'video']) })

/**
 * The body of the update request: a new `name` (1 to 256 characters, the `display_name` prop) and/or
 * new `metadata` (replacing the old object), at least one.
 */
export const AdminUpdateSchema = z
  .strictObject({ name: z.optional(z.string().check(z.minLength(1), z.maxLength(256))), metadata: z.optional(MetadataSchema) })
  .check(z.refine((update) => update.name !== undefined || update.metadata !== undefined))
export type AdminUpdate = z.infer<typeof AdminUpdateSchema>

/** The answer of the list request. */
export const AdminParticipantsSchema = z.object({ participants: z.array(ParticipantSchema) })

/** An error answer of the admin API. */
export const AdminErrorSchema = z.object({ code: z.string(), message: z.string() })
