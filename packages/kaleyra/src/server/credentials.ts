import * as z from 'zod/mini'
import type { TokenTtlBounds } from '@callport/core'
import type { VendorRestClient } from '@callport/provider-utils/server'

/** Lifetimes Kaleyra accepts for SDK credentials (`expires_in`), in seconds: 6 minutes to 24 hours. */
export const kaleyraTokenTtlBounds: TokenTtlBounds = { min: 360, max: 86_400 }

export const CREDENTIALS_PATH = '/rest/sdk/credentials'

/** Kaleyra's answer to "Generate SDK credentials". */
export const CredentialsResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_at: z.iso.datetime({ offset: true }),
  user_id: z.optional(z.string()),
})
export type CredentialsResponse = z.infer<typeof CredentialsResponseSchema>

/**
 * POSTs `{user_id, expires_in}` to the credentials endpoint and returns the access token. Asking
 * twice only mints another token, so the request is retried like an idempotent one. The answer's
 * `user_id` is not compared with the one asked for: Kaleyra may spell it its own way (the access
 * token is opaque to Callport and the widget checks it against the user it logs in).
 */
export function generateKaleyraCredentials(
  rest: VendorRestClient,
  options: { userId: string; ttlSeconds: number; signal?: AbortSignal | undefined },
): Promise<CredentialsResponse> {
  return rest.request({
    method: 'POST',
    path: CREDENTIALS_PATH,
    body: { json: { user_id: options.userId, expires_in: options.ttlSeconds } },
    schema: CredentialsResponseSchema,
    operation: `generating credentials for ${options.userId}`,
    idempotent: true,
    signal: options.signal,
  })
}
