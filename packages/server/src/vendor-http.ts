/**
 * Small helpers for the server halves of provider packages, which talk to vendor REST APIs.
 */
import * as z from 'zod/mini'
import { CallportError, isAbortError } from '@callport/core'

/** A response body as JSON when it parses, as text when it does not, and `undefined` when empty. */
export async function readResponseBody(response: Response): Promise<unknown> {
  const text = await response.text()
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** The `Authorization` header value for HTTP Basic auth (RFC 7617, UTF-8). */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
}

/**
 * How a provider's REST client times out and retries: part of the settings of its server half.
 * Each provider's settings say which answers it retries and where its defaults differ.
 */
export interface VendorRestSettings {
  /** Milliseconds one REST attempt may take. Default 10 000. */
  timeout?: number
  /** Retries of REST requests that failed with a transient status or a network error. */
  retry?: {
    /** Retries after the first attempt. Default 2. */
    limit?: number
    /** Milliseconds before the first retry; each later one waits twice as long. Default 300. */
    initialDelay?: number
    /**
     * Longest wait between two attempts in milliseconds, including a `Retry-After` where the
     * provider honours one. Default 10 000 unless the provider's settings say otherwise.
     */
    maximumDelay?: number
  }
}

/** {@link VendorRestSettings} with the defaults applied. */
export interface ResolvedVendorRestSettings {
  timeout: number
  retry: { limit: number; initialDelay: number; maximumDelay: number }
}

/**
 * The timeout and retry settings with a provider's defaults applied, each retry field on its own.
 * Not validated: check the result with {@link vendorRestSettingsShape}.
 */
export function withVendorRestDefaults(settings: VendorRestSettings, defaults: ResolvedVendorRestSettings): ResolvedVendorRestSettings {
  return { timeout: settings.timeout ?? defaults.timeout, retry: { ...defaults.retry, ...settings.retry } }
}

const nonNegativeInteger = z.number().check(z.int(), z.gte(0))

/**
 * The zod/mini fields that validate {@link ResolvedVendorRestSettings}, to spread into a provider's
 * settings schema: `timeout` a positive integer, the retry fields non-negative integers.
 */
export const vendorRestSettingsShape = {
  timeout: z.number().check(z.int(), z.gt(0)),
  retry: z.object({ limit: nonNegativeInteger, initialDelay: nonNegativeInteger, maximumDelay: nonNegativeInteger }),
}

/** The part of ky's `retry` options that {@link vendorRetryTiming} gives. */
export interface VendorRetryTiming {
  limit: number
  /** Longest wait between two attempts. */
  backoffLimit: number
  /** `initialDelay`, doubled for each later attempt (`attempt` is 1 for the first retry). */
  delay: (attempt: number) => number
  /** Longest `Retry-After` honoured; there only when asked for. */
  maxRetryAfter?: number
}

/**
 * The retry count and timing for a ky client, to spread into its `retry` options (which statuses,
 * methods, and whether timeouts are retried stay the provider's). With `honourRetryAfter`, a
 * `Retry-After` longer than `maximumDelay` is not waited for.
 */
export function vendorRetryTiming(
  retry: ResolvedVendorRestSettings['retry'],
  options: { honourRetryAfter?: boolean } = {},
): VendorRetryTiming {
  return {
    limit: retry.limit,
    backoffLimit: retry.maximumDelay,
    delay: (attempt) => retry.initialDelay * 2 ** (attempt - 1),
    ...(options.honourRetryAfter ? { maxRetryAfter: retry.maximumDelay } : {}),
  }
}

/** Who and what {@link vendorTransportError} reports. */
export interface VendorTransportErrorOptions {
  /** The provider id, such as `twilio`. */
  provider: string
  /** The vendor's name in messages, such as `Twilio`. */
  vendor: string
  /** What was being done, ending the message: "creating the room standup". */
  operation?: string
}

/**
 * The CallportError for a vendor REST request that got no answer: ABORTED when the caller's signal
 * fired, else PROVIDER_UNAVAILABLE (retryable), for a timeout or for a request that could not be
 * delivered. A CallportError is passed through.
 */
export function vendorTransportError(
  error: unknown,
  signal: AbortSignal | undefined,
  { provider, vendor, operation }: VendorTransportErrorOptions,
): CallportError {
  if (CallportError.isInstance(error)) return error
  const suffix = operation === undefined ? '' : ` while ${operation}`
  if (signal?.aborted) {
    const message = operation === undefined ? `The ${vendor} request was aborted` : `Aborted${suffix}`
    return new CallportError('ABORTED', message, { provider, cause: signal.reason })
  }
  const reason = isAbortError(error)
    ? `${vendor} did not answer in time`
    : `${vendor} could not be reached (${error instanceof Error ? error.message : String(error)})`
  return new CallportError('PROVIDER_UNAVAILABLE', `${reason}${suffix}`, { provider, retryable: true, cause: error })
}
