import { IdentitySchema, MetadataSchema, RoomNameSchema } from '@callport/core'
import * as z from 'zod/mini'
import { AuthQuerySchema, MemberRoleSchema, type SignalingClaims } from '../shared/protocol'
import { verifySignalingCredential } from './credentials'
import { SignalingRequestError } from './request-error'

/** VT-style password credentials, as a client sends them in the connect query. */
export interface PasswordCredentials {
  username: string
  password: string
}

/** What a password grants: one room, one role, like a token does. */
export interface PasswordGrant {
  /** App room name. */
  room: string
  role: SignalingClaims['role']
  name?: string
  metadata?: Record<string, unknown>
}

/** Checks password credentials; null (or undefined) refuses them. */
export type PasswordVerifier = (credentials: PasswordCredentials) => PasswordGrant | null | undefined | Promise<PasswordGrant | null | undefined>

/** Who a socket is, once authenticated. */
export interface Credential {
  identity: string
  /** App room name the credential is bound to. */
  room: string
  role: SignalingClaims['role']
  name: string | undefined
  metadata: Record<string, unknown> | undefined
  /** Epoch milliseconds after which the socket is kicked; undefined for password credentials. */
  expiresAt: number | undefined
  /** Epoch milliseconds the token was issued at (`iat`); undefined for password credentials. */
  issuedAt: number | undefined
}

const ConnectQuerySchema = z.object({ username: IdentitySchema, auth: z.string().check(z.maxLength(16 * 1024)) })

const PasswordGrantSchema = z.object({
  room: RoomNameSchema,
  role: MemberRoleSchema,
  name: z.optional(z.string().check(z.maxLength(256))),
  metadata: z.optional(MetadataSchema),
})

/** The credential a token carries, checked against the identity the socket claims. */
export function credentialOfToken(token: string, secret: string, identity: string): Credential {
  const claims = verifySignalingCredential(token, secret)
  if (claims.sub !== identity) {
    throw new SignalingRequestError('UNAUTHORIZED', 'The token was issued for another identity than the username')
  }
  return {
    identity,
    room: claims.room,
    role: claims.role,
    name: claims.name,
    metadata: claims.metadata,
    expiresAt: claims.exp * 1000,
    issuedAt: claims.iat * 1000,
  }
}

/**
 * Authenticates a connect query: `username` and `auth`, a JSON string holding `{token}` (or
 * `{password}` when `allowPasswords` is given). Throws a `SignalingRequestError` saying why not.
 */
export async function authenticateQuery(query: unknown, secret: string, allowPasswords: PasswordVerifier | undefined): Promise<Credential> {
  const parsedQuery = ConnectQuerySchema.safeParse(query)
  if (!parsedQuery.success) {
    throw new SignalingRequestError('UNAUTHORIZED', 'The connect query needs `username` (1 to 128 characters) and `auth` (a JSON string)')
  }
  const { username, auth } = parsedQuery.data
  let authJson: unknown
  try {
    authJson = JSON.parse(auth)
  } catch {
    throw new SignalingRequestError('UNAUTHORIZED', 'The `auth` query parameter is not JSON')
  }
  const parsedAuth = AuthQuerySchema.safeParse(authJson)
  if (!parsedAuth.success) {
    throw new SignalingRequestError('UNAUTHORIZED', 'The `auth` query parameter must be {"token": "…"} or {"password": "…"}')
  }
  const credentials = parsedAuth.data
  if ('token' in credentials) return credentialOfToken(credentials.token, secret, username)
  if (allowPasswords === undefined) {
    throw new SignalingRequestError('UNAUTHORIZED', 'This server does not accept password credentials; connect with a token')
  }
  const grant = await allowPasswords({ username, password: credentials.password })
  if (grant === null || grant === undefined) throw new SignalingRequestError('UNAUTHORIZED', 'Wrong username or password')
  const parsedGrant = PasswordGrantSchema.safeParse(grant)
  if (!parsedGrant.success) throw new Error(`allowPasswords returned an invalid grant: ${parsedGrant.error.message}`)
  return {
    identity: username,
    room: parsedGrant.data.room,
    role: parsedGrant.data.role,
    name: parsedGrant.data.name,
    metadata: parsedGrant.data.metadata,
    expiresAt: undefined,
    issuedAt: undefined,
  }
}
