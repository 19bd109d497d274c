import * as z from 'zod/mini'
import { matching, schema, trueOrFalse, wholeNumber } from './schema-helpers'

/**
 * Wire schemas of the contract. They use `zod/mini` so that the browser half stays small;
 * the inferred types are exported beside them.
 */

export const roles = ['publisher', 'subscriber', 'moderator'] as const
export const RoleSchema = /* @__PURE__ */ schema(() => z.enum(roles))
export type Role = z.infer<typeof RoleSchema>

/** Longest room name, in characters (UTF-16 code units). */
export const ROOM_NAME_MAXIMUM_LENGTH = 128
/**
 * A room name: 1 to 128 characters, Unicode letters and digits plus `.`, `_`, `~` and `-`,
 * starting with a letter or digit. No spaces, slashes or control characters, so a name is safe in a
 * URL path segment and every provider can map it to its own id rule.
 */
export const ROOM_NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}._~-]*$/u
export const RoomNameSchema = /* @__PURE__ */ schema(() =>
  z
    .string()
    .check(
      z.minLength(1, 'Room name must not be empty'),
      z.maxLength(ROOM_NAME_MAXIMUM_LENGTH, `Room name must be at most ${ROOM_NAME_MAXIMUM_LENGTH} characters`),
      matching(ROOM_NAME_PATTERN, 'Room name may contain only letters, digits, ".", "_", "~" and "-", and must start with a letter or digit'),
    ),
)

/** Longest identity, in characters. */
export const IDENTITY_MAXIMUM_LENGTH = 128
/** An identity: 1 to 128 characters, no control characters. Providers may narrow this further. */
export const IDENTITY_PATTERN = /^[^\p{Cc}]+$/u
export const IdentitySchema = /* @__PURE__ */ schema(() =>
  z
    .string()
    .check(
      z.minLength(1, 'Identity must not be empty'),
      z.maxLength(IDENTITY_MAXIMUM_LENGTH, `Identity must be at most ${IDENTITY_MAXIMUM_LENGTH} characters`),
      matching(IDENTITY_PATTERN, 'Identity must not contain control characters'),
    ),
)

export const MetadataSchema = /* @__PURE__ */ schema(() => z.record(z.string(), z.unknown()))
export type Metadata = z.infer<typeof MetadataSchema>

const nonEmpty = () => z.string().check(z.minLength(1))

export const RoomSchema = /* @__PURE__ */ schema(() =>
  z.object({
    name: RoomNameSchema,
    provider: nonEmpty(),
    providerRoomId: nonEmpty(),
    createdAt: z.optional(z.string()),
    metadata: z.optional(MetadataSchema),
  }),
)
export type Room = z.infer<typeof RoomSchema>

export const ParticipantSchema = /* @__PURE__ */ schema(() =>
  z.object({
    identity: IdentitySchema,
    name: z.optional(z.string().check(z.maxLength(256))),
    role: RoleSchema,
    metadata: z.optional(MetadataSchema),
    providerParticipantId: z.optional(z.string()),
  }),
)
export type Participant = z.infer<typeof ParticipantSchema>

/**
 * An ISO 8601 date-time with a time zone (`Z` or an offset), e.g. `2026-11-21T12:00:00.000Z`.
 * A pattern plus `Date.parse` rather than `z.iso.datetime`, which costs the browser bundle more.
 */
export const ISO_INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/
export const IsoInstantSchema = /* @__PURE__ */ schema(() =>
  z.string().check(z.refine((value) => ISO_INSTANT_PATTERN.test(value) && !Number.isNaN(Date.parse(value)), 'Expected an ISO 8601 date-time with a time zone')),
)

/** A connection parameter: a string, number or boolean (a custom check costs the bundle less than a union). */
export const ConnectValueSchema = /* @__PURE__ */ schema(() =>
  z.custom<string | number | boolean>((value) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean', 'Expected a string, number or boolean'),
)

export const TokenSchema = /* @__PURE__ */ schema(() =>
  z.object({
    /** Which client adapter can use this token. */
    provider: nonEmpty(),
    /** The app's room name. */
    room: RoomNameSchema,
    providerRoomId: nonEmpty(),
    identity: IdentitySchema,
    /** The vendor credential; opaque to the client half. */
    value: nonEmpty(),
    /** ISO 8601 instant after which the vendor refuses the credential. */
    expiresAt: IsoInstantSchema,
    /** Vendor connection parameters (host, appId, region, url…). */
    connect: z.record(z.string(), ConnectValueSchema),
  }),
)
export type Token = z.infer<typeof TokenSchema>

/** Body of `POST /join`, `POST /rooms`. */
export const RoomRequestSchema = /* @__PURE__ */ schema(() => z.object({ room: RoomNameSchema }))
export type RoomRequest = z.infer<typeof RoomRequestSchema>

/** Answer of `POST /join` and `POST /rooms/:room/tokens`. */
export const JoinResponseSchema = /* @__PURE__ */ schema(() => z.object({ room: RoomSchema, token: TokenSchema }))
export type JoinResponse = z.infer<typeof JoinResponseSchema>

/** RFC 9457 problem details, as every HTTP error of Callport is sent. */
export const ProblemSchema = /* @__PURE__ */ schema(() =>
  z.object({
    type: z.string(),
    title: z.string(),
    status: wholeNumber(100),
    code: z.string(),
    detail: z.optional(z.string()),
    provider: z.optional(z.string()),
    retryable: z.optional(trueOrFalse()),
  }),
)
export type Problem = z.infer<typeof ProblemSchema>

/** Milliseconds until a token expires (negative once expired). */
export function millisecondsUntilExpiry(token: Pick<Token, 'expiresAt'>, now: number = Date.now()): number {
  return Date.parse(token.expiresAt) - now
}
