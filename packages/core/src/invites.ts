import * as z from 'zod/mini'
import { oneOf, schema, wholeNumber } from './schema-helpers'
import { IdentitySchema, IsoInstantSchema, RoomNameSchema } from './schemas'

/**
 * The ring-and-retry flow: a caller invites a callee to a room; the server rings the callee through
 * the app's notifier until the invite is answered, declined, cancelled or missed.
 */

/** Where an invite stands. `ringing` is the only state that changes; the others are settled. */
export const inviteStatuses = ['ringing', 'accepted', 'declined', 'cancelled', 'missed', 'failed'] as const
export type InviteStatus = (typeof inviteStatuses)[number]

/** An invite as `POST /invites` and the `invite` events carry it. */
export const InviteSchema = /* @__PURE__ */ schema(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    /** The caller's identity. */
    from: IdentitySchema,
    /** The callee's identity. */
    to: IdentitySchema,
    room: RoomNameSchema,
    status: oneOf(inviteStatuses),
    /** Ring notifications sent so far. */
    attempts: wholeNumber(0),
    createdAt: IsoInstantSchema,
    /** When an unanswered invite becomes `missed`. */
    expiresAt: IsoInstantSchema,
    /** When it left `ringing`. */
    settledAt: z.optional(IsoInstantSchema),
  }),
)
export type Invite = z.infer<typeof InviteSchema>

/** Body of `POST /invites`: the caller is whoever the request is authorized as. */
export const InviteRequestSchema = /* @__PURE__ */ schema(() => z.object({ to: IdentitySchema, room: RoomNameSchema }))
export type InviteRequest = z.infer<typeof InviteRequestSchema>

/** What `POST /invites/:id/<action>` does. */
export const inviteActions = ['accept', 'decline', 'cancel'] as const
export type InviteAction = (typeof inviteActions)[number]

/** Payload of the `invite` event of a session and of a call server: an invite was created or changed. */
export interface InviteEvent {
  invite: Invite
}
