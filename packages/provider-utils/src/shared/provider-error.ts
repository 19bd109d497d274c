import { CallportError, toCallportError, type ErrorCode } from '@callport/core'

/**
 * Anything an adapter throws, as a CallportError naming the provider: a CallportError keeps its
 * code (and gains the provider when it had none), an abort becomes ABORTED, anything else `code`
 * (INTERNAL by default) with the original as `cause`.
 */
export function toProviderError(error: unknown, provider: string, code?: ErrorCode): CallportError {
  const wrapped = toCallportError(error, { provider, ...(code === undefined ? {} : { code }) })
  if (wrapped.provider !== undefined) return wrapped
  return new CallportError(wrapped.code, wrapped.message, {
    provider,
    retryable: wrapped.retryable,
    cause: wrapped.cause,
    vendor: wrapped.vendor,
    details: wrapped.details,
  })
}
