import { CallportError, IdentitySchema, MetadataSchema, RoleSchema, RoomNameSchema, type Participant, type Room, type Token } from '@callport/core'
import { signHs256Jwt, verifyHs256Jwt } from '@callport/provider-utils/server'
import * as z from 'zod/mini'

/** Provider id of the in-memory reference provider. */
export const memoryProviderId = 'memory'

/** Inclusive token lifetime bounds of the memory provider, in seconds (one second to one day). */
export const memoryTokenTtlBounds = { min: 1, max: 86_400 } as const

const MemoryTokenClaimsSchema = z.object({
  room: RoomNameSchema,
  providerRoomId: z.string().check(z.minLength(1)),
  identity: IdentitySchema,
  role: RoleSchema,
  name: z.optional(z.string()),
  metadata: z.optional(MetadataSchema),
  iat: z.number(),
  exp: z.number(),
  /** Unique per token, so that two tokens issued in the same second still differ. */
  jti: z.string(),
})

/** What a memory token carries, signed. */
export type MemoryTokenClaims = z.infer<typeof MemoryTokenClaimsSchema>

/** Signs a memory token for `participant` in `room`, valid for `ttlSeconds` from now. */
export function signMemoryToken(secret: string, room: Room, participant: Participant, ttlSeconds: number): Token {
  const issuedAt = Math.floor(Date.now() / 1000)
  const claims: MemoryTokenClaims = {
    room: room.name,
    providerRoomId: room.providerRoomId,
    identity: participant.identity,
    role: participant.role,
    ...(participant.name === undefined ? {} : { name: participant.name }),
    ...(participant.metadata === undefined ? {} : { metadata: participant.metadata }),
    iat: issuedAt,
    exp: issuedAt + ttlSeconds,
    jti: globalThis.crypto.randomUUID(),
  }
  return {
    provider: memoryProviderId,
    room: room.name,
    providerRoomId: room.providerRoomId,
    identity: participant.identity,
    value: signHs256Jwt(claims, secret),
    expiresAt: new Date(claims.exp * 1000).toISOString(),
    connect: {},
  }
}

/**
 * Verifies a memory token and returns its claims. Throws `UNAUTHORIZED` for a bad signature, for
 * malformed claims and for a token whose public fields disagree with what is signed; `TOKEN_EXPIRED`
 * once `exp` has passed.
 */
export function verifyMemoryToken(secret: string, token: Token): MemoryTokenClaims {
  const parsed = MemoryTokenClaimsSchema.safeParse(verifyHs256Jwt(token.value, secret, { provider: memoryProviderId }))
  if (!parsed.success) {
    throw new CallportError('UNAUTHORIZED', 'Token claims are malformed', { provider: memoryProviderId, details: parsed.error.issues })
  }
  const claims = parsed.data
  if (claims.room !== token.room || claims.providerRoomId !== token.providerRoomId || claims.identity !== token.identity) {
    throw new CallportError('UNAUTHORIZED', 'Token fields do not match its signed claims', { provider: memoryProviderId })
  }
  return claims
}

/** The participant a verified token admits (the room gives it its `providerParticipantId`). */
export function participantOfClaims(claims: MemoryTokenClaims): Omit<Participant, 'providerParticipantId'> {
  return {
    identity: claims.identity,
    role: claims.role,
    ...(claims.name === undefined ? {} : { name: claims.name }),
    ...(claims.metadata === undefined ? {} : { metadata: claims.metadata }),
  }
}
