import * as z from 'zod/mini'
import type { Participant } from '@callport/core'
import type { VendorRestClient } from '@callport/provider-utils/server'

/**
 * Every choice about Kaleyra's room API that no primary source confirms lives here, so that each is
 * one edit to change once confirmed. See docs/providers/kaleyra.md, "UNCONFIRMED choices".
 *
 * Confirmed (Kaleyra docs, "make a video call with REST API"): a room is created with its
 * participants (`{participants: [{user_id, is_admin, …}], description, duration…}`) and the answer
 * is `{room: {room_id, …, user_urls: [{user, url, tools, is_admin}]}}`.
 */

/**
 * UNCONFIRMED 1: the full path. Kaleyra documents `POST /room/create` without its version prefix;
 * the credentials endpoint lives under `/rest/` and the widget's own documentation names
 * `/rest/room/create`, so that is the choice (not `/v2/rooms`).
 */
export const CREATE_ROOM_PATH = '/rest/room/create'

/**
 * UNCONFIRMED 2: adding participants to an existing room. No public source documents it; the
 * choice is the `/rest/room/…` family with the same participant objects and the same answer shape
 * as creation: `POST /rest/room/<room_id>/participants/add {participants: […]}` → `{room: {…}}`,
 * whose `user_urls` hold at least the added users' links. A room id Kaleyra does not know answers
 * 404, read as ROOM_NOT_FOUND (the call server then makes the room again).
 *
 * UNCONFIRMED 2b: adding a user who is already a member. Callport assumes it is harmless and
 * answers with that user's link like a first add (so the request is sent as idempotent: retried on
 * any transient failure). The server half relies on it: it does not know, across processes, who is
 * already a member, so a join of a live room adds the participant again unless this process has
 * that member's link from an earlier answer.
 */
export const addParticipantsPath = (roomId: string): string => `/rest/room/${encodeURIComponent(roomId)}/participants/add`

/** The participant object the room API takes. `is_admin` is confirmed; Callport moderators become admins. */
function toRoomParticipant(participant: Participant): { user_id: string; is_admin: boolean } {
  return { user_id: participant.identity, is_admin: participant.role === 'moderator' }
}

/**
 * UNCONFIRMED 3: the `user` field of `user_urls`. Documented by name only; it is read as the user id
 * string, or as an object carrying `user_id`.
 */
const UserUrlSchema = z.object({
  user: z.union([z.string(), z.object({ user_id: z.string() })]),
  url: z.url(),
  is_admin: z.optional(z.boolean()),
})

export const RoomResponseSchema = z.object({
  room: z.object({
    room_id: z.string().check(z.minLength(1)),
    user_urls: z.optional(z.array(UserUrlSchema)),
  }),
})

/** A Kaleyra room as Callport needs it: its id and each user's join link. */
export interface KaleyraRoom {
  roomId: string
  userUrls: Map<string, string>
}

function toKaleyraRoom(response: z.infer<typeof RoomResponseSchema>): KaleyraRoom {
  const userUrls = new Map<string, string>()
  for (const entry of response.room.user_urls ?? []) {
    userUrls.set(typeof entry.user === 'string' ? entry.user : entry.user.user_id, entry.url)
  }
  return { roomId: response.room.room_id, userUrls }
}

/**
 * Creates a Kaleyra room for the Callport room `name`, listing `participants`. Not idempotent (a
 * second request makes a second room), so it is retried only on 429 and 503.
 */
export async function createKaleyraRoom(
  rest: VendorRestClient,
  options: { name: string; participants: Participant[]; signal?: AbortSignal | undefined },
): Promise<KaleyraRoom> {
  const response = await rest.request({
    method: 'POST',
    path: CREATE_ROOM_PATH,
    // `duration` is omitted: the room does not expire by itself.
    body: { json: { participants: options.participants.map(toRoomParticipant), description: `Callport room ${options.name}` } },
    schema: RoomResponseSchema,
    operation: `creating the Kaleyra room of ${options.name}`,
    idempotent: false,
    signal: options.signal,
  })
  return toKaleyraRoom(response)
}

/** Adds `participants` to the Kaleyra room `roomId` (members again: see UNCONFIRMED 2b) and returns their join links. */
export async function addKaleyraRoomParticipants(
  rest: VendorRestClient,
  options: { roomId: string; participants: Participant[]; signal?: AbortSignal | undefined },
): Promise<KaleyraRoom> {
  const response = await rest.request({
    method: 'POST',
    path: addParticipantsPath(options.roomId),
    body: { json: { participants: options.participants.map(toRoomParticipant) } },
    schema: RoomResponseSchema,
    operation: `adding ${options.participants.map((participant) => participant.identity).join(', ')} to the Kaleyra room ${options.roomId}`,
    idempotent: true,
    notFound: 'ROOM_NOT_FOUND',
    signal: options.signal,
  })
  return toKaleyraRoom(response)
}
