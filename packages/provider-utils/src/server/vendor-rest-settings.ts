import * as z from 'zod/mini'

/**
 * How a provider's REST client times out, retries and identifies itself: part of the settings of
 * every server half that talks to a vendor's REST API.
 */
export interface VendorRestSettings {
  /** Milliseconds one attempt may take, from sending the request to the last byte of the answer. Default 10 000. */
  timeout?: number
  /** Retries of requests that failed with a transient status, a timeout or a network error. */
  retry?: {
    /** Retries after the first attempt. Default 2. */
    limit?: number
    /** Milliseconds before the first retry; each later one waits twice as long. Default 300. */
    initialDelay?: number
    /** Longest wait between two attempts, a `Retry-After` included, in milliseconds. Default 5 000. */
    maximumDelay?: number
  }
  /** Extra headers sent with every request (a proxy's, say). They cannot replace the credentials. */
  headers?: Record<string, string>
  /** The fetch implementation requests use. Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch
}

/** {@link VendorRestSettings} with the defaults applied. */
export interface ResolvedVendorRestSettings {
  timeout: number
  retry: { limit: number; initialDelay: number; maximumDelay: number }
  headers: Record<string, string>
  fetch: typeof globalThis.fetch | undefined
}

/** The setting names of {@link VendorRestSettings}, for `loadSettings({ known })`. */
export const vendorRestSettingNames = ['timeout', 'retry', 'headers', 'fetch'] as const

/** Defaults every vendor REST client starts from. */
export const defaultVendorRestSettings: ResolvedVendorRestSettings = {
  timeout: 10_000,
  retry: { limit: 2, initialDelay: 300, maximumDelay: 5_000 },
  headers: {},
  fetch: undefined,
}

const nonNegativeInteger = z.number().check(z.int(), z.gte(0))
/**
 * The zod/mini fields of {@link VendorRestSettings}, to spread into a provider's settings schema:
 * timeout a positive integer, retry fields non-negative integers, header names HTTP tokens.
 */
export const vendorRestSettingsShape = {
  timeout: z.optional(z.number().check(z.int(), z.gt(0))),
  retry: z.optional(z.strictObject({ limit: z.optional(nonNegativeInteger), initialDelay: z.optional(nonNegativeInteger), maximumDelay: z.optional(nonNegativeInteger) })),
  headers: z.optional(z.record(z.string().check(z.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name')), z.string())),
  fetch: z.optional(z.custom<typeof globalThis.fetch>((value) => typeof value === 'function', 'must be a fetch function')),
}

/**
 * The REST settings with a provider's defaults applied. Validate the input first (the provider's
 * settings schema spreads {@link vendorRestSettingsSchema}'s shape).
 */
export function resolveVendorRestSettings(settings: VendorRestSettings, defaults: Partial<ResolvedVendorRestSettings> = {}): ResolvedVendorRestSettings {
  const base = { ...defaultVendorRestSettings, ...defaults }
  return {
    timeout: settings.timeout ?? base.timeout,
    retry: { ...base.retry, ...settings.retry },
    headers: { ...base.headers, ...settings.headers },
    fetch: settings.fetch ?? base.fetch,
  }
}
