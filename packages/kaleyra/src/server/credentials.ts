import * as z from 'zod/mini'
import { CallportError, type TokenTtlBounds } from '@callport/core'
import { KALEYRA_PROVIDER } from '../shared/provider-id'
import type { KaleyraRestClient } from './rest-client'

/** Lifetimes Kaleyra accepts for SDK credentials (`expires_in`), in seconds: 6 minutes to 24 hours. */
export const kaleyraTokenTtlSeconds: TokenTtlBounds = { min: 360, max: 86_400 }

export const CREDENTIALS_PATH = '/rest/sdk/credentials'

/** Kaleyra's answer to "Generate SDK credentials". */
export const CredentialsResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_at: z.iso.datetime({ offset: true }),
  user_id: z.optional(z.string()),
})
export type CredentialsResponse = z.infer<typeof CredentialsResponseSchema>

/** Throws INVALID_INPUT when `ttlSeconds` is not a whole number within Kaleyra's bounds. */
export function assertKaleyraTokenTtl(ttlSeconds: number): void {
  const { min, max } = kaleyraTokenTtlSeconds
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < min || ttlSeconds > max) {
    throw new CallportError('INVALID_INPUT', `Kaleyra token lifetimes must be whole seconds from ${min} to ${max}; got ${ttlSeconds}`, {
      provider: KALEYRA_PROVIDER,
      details: { ttlSeconds, ...kaleyraTokenTtlSeconds },
    })
  }
}

/** POSTs `{user_id, expires_in}` to the credentials endpoint and returns the access token. */
export async function generateKaleyraCredentials(
  rest: KaleyraRestClient,
  options: { userId: string; ttlSeconds: number; signal?: AbortSignal },
): Promise<CredentialsResponse> {
  assertKaleyraTokenTtl(options.ttlSeconds)
  const credentials = await rest.post({
    path: CREDENTIALS_PATH,
    body: { user_id: options.userId, expires_in: options.ttlSeconds },
    schema: CredentialsResponseSchema,
    idempotent: true,
    ...(options.signal ? { signal: options.signal } : {}),
  })
  if (credentials.user_id !== undefined && credentials.user_id !== options.userId) {
    throw new CallportError('PROVIDER_REJECTED', 'Kaleyra issued credentials for another user', {
      provider: KALEYRA_PROVIDER,
      vendor: { status: 200, body: { user_id: credentials.user_id } },
    })
  }
  return credentials
}
