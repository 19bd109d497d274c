import * as z from 'zod/mini'

/**
 * Wire schemas of the contract. They use `zod/mini` so that the browser half stays small;
 * the inferred types are exported beside them.
 */

export const roles = ['publisher', 'subscriber', 'moderator'] as const
export const RoleSchema = z.enum(roles)
export type Role = z.infer<typeof RoleSchema>

/** Longest room name, in characters (UTF-16 code units). */
export const ROOM_NAME_MAX_LENGTH = 128
/**
 * A room name: 1 to 128 characters, Unicode letters and digits plus `.`, `_`, `~` and `-`,
 * starting with a letter or digit. No spaces, slashes or control characters, so a name is safe in a
 * URL path segment and every provider can map it to its own id rule.
 */
export const ROOM_NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}._~-]*$/u
export const RoomNameSchema = z
  .string()
  .check(
    z.minLength(1, 'Room name must not be empty'),
    z.maxLength(ROOM_NAME_MAX_LENGTH, `Room name must be at most ${ROOM_NAME_MAX_LENGTH} characters`),
    z.regex(ROOM_NAME_PATTERN, 'Room name may contain only letters, digits, ".", "_", "~" and "-", and must start with a letter or digit'),
  )

/** Longest identity, in characters. */
export const IDENTITY_MAX_LENGTH = 128
/** An identity: 1 to 128 characters, no control characters. Providers may narrow this further. */
export const IDENTITY_PATTERN = /^[^\p{Cc}]+$/u
export const IdentitySchema = z
  .string()
  .check(
    z.minLength(1, 'Identity must not be empty'),
    z.maxLength(IDENTITY_MAX_LENGTH, `Identity must be at most ${IDENTITY_MAX_LENGTH} characters`),
    z.regex(IDENTITY_PATTERN, 'Identity must not contain control characters'),
  )

export const MetadataSchema = z.record(z.string(), z.unknown())
export type Metadata = z.infer<typeof MetadataSchema>

export const RoomSchema = z.object({
  name: RoomNameSchema,
  provider: z.string().check(z.minLength(1)),
  providerRoomId: z.string().check(z.minLength(1)),
  createdAt: z.optional(z.string()),
  metadata: z.optional(MetadataSchema),
})
export type Room = z.infer<typeof RoomSchema>

export const ParticipantSchema = z.object({
  identity: IdentitySchema,
  name: z.optional(z.string().check(z.maxLength(256))),
  role: RoleSchema,
  metadata: z.optional(MetadataSchema),
  providerParticipantId: z.optional(z.string()),
})
export type Participant = z.infer<typeof ParticipantSchema>

export const ConnectValueSchema = z.union([z.string(), z.number(), z.boolean()])
export const TokenSchema = z.object({
  /** Which client adapter can use this token. */
  provider: z.string().check(z.minLength(1)),
  /** The app's room name. */
  room: RoomNameSchema,
  providerRoomId: z.string().check(z.minLength(1)),
  identity: IdentitySchema,
  /** The vendor credential; opaque to the client half. */
  value: z.string().check(z.minLength(1)),
  /** ISO 8601 instant after which the vendor refuses the credential. */
  expiresAt: z.iso.datetime({ offset: true }),
  /** Vendor connection parameters (host, appId, region, url…). */
  connect: z.record(z.string(), ConnectValueSchema),
})
export type Token = z.infer<typeof TokenSchema>

/** Body of `POST /join`, `POST /rooms`. */
export const RoomRequestSchema = z.object({ room: RoomNameSchema })
export type RoomRequest = z.infer<typeof RoomRequestSchema>

/** Answer of `POST /join` and `POST /rooms/:room/tokens`. */
export const JoinResponseSchema = z.object({ room: RoomSchema, token: TokenSchema })
export type JoinResponse = z.infer<typeof JoinResponseSchema>

/** RFC 9457 problem details, as every HTTP error of Callport is sent. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  code: z.string(),
  detail: z.optional(z.string()),
  provider: z.optional(z.string()),
  retryable: z.optional(z.boolean()),
})
export type Problem = z.infer<typeof ProblemSchema>

/** Milliseconds until a token expires (negative once expired). */
export function millisecondsUntilExpiry(token: Pick<Token, 'expiresAt'>, now: number = Date.now()): number {
  return Date.parse(token.expiresAt) - now
}
