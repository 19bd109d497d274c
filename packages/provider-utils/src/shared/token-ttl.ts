import { CallportError, type TokenTtlBounds } from '@callport/core'

/**
 * Throws INVALID_INPUT unless `ttlSeconds` is a whole number of seconds within `bounds`. Adapters
 * defined with `defineServerAdapter` get this check before `issueToken` runs.
 */
export function checkTokenTtl(ttlSeconds: number, bounds: TokenTtlBounds, owner: { provider: string; vendor: string }): void {
  const { min, max } = bounds
  if (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds < min || ttlSeconds > max) {
    throw new CallportError('INVALID_INPUT', `${owner.vendor} token lifetimes must be whole seconds from ${min} to ${max}; got ${String(ttlSeconds)}`, {
      provider: owner.provider,
      details: { ttlSeconds, min, max },
    })
  }
}
