import { CallportError } from '@callport/core'
import { signHs256Jwt, signHs256JwtAsync, verifyHs256Jwt } from '@callport/provider-utils/server'
import { SignalingClaimsSchema, type SignalingClaims } from '../shared/protocol'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

/** Signs signaling credentials (HS256). Claims keep the order of `SignalingClaimsSchema`. */
export function signSignalingCredential(claims: SignalingClaims, secret: string): string {
  return signHs256Jwt({ ...claims }, secret)
}

/** The same, on any runtime: node:crypto where there is one (as fast), Web Crypto elsewhere. What `issueToken` uses. */
export function signSignalingCredentialAsync(claims: SignalingClaims, secret: string): Promise<string> {
  return signHs256JwtAsync({ ...claims }, secret)
}

/**
 * Verifies a signaling credential: signature, expiry, and that its claims are signaling claims.
 * Throws `UNAUTHORIZED` or `TOKEN_EXPIRED`.
 */
export function verifySignalingCredential(token: string, secret: string, now?: number): SignalingClaims {
  const claims = verifyHs256Jwt(token, secret, { provider: SIGNALING_PROVIDER, ...(now === undefined ? {} : { now }) })
  const parsed = SignalingClaimsSchema.safeParse(claims)
  if (!parsed.success) {
    throw new CallportError('UNAUTHORIZED', 'Token claims are not Callport signaling claims', { provider: SIGNALING_PROVIDER })
  }
  return parsed.data
}
