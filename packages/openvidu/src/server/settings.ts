import * as z from 'zod/mini'
import { CallportError } from '@callport/core'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import type { SamplesAnswerFormat } from './samples-compat'
import { vendorRestSettingsShape, withVendorRestDefaults, type ResolvedVendorRestSettings, type VendorRestSettings } from '@callport/server'

/** A header OpenVidu is configured to send with every webhook (`OPENVIDU_WEBHOOK_HEADERS`). */
export interface OpenViduWebhookHeader {
  /** Header name, such as `Authorization`. */
  name: string
  /** The exact value, such as `Basic dXNlcjpwYXNz`. */
  value: string
}

/**
 * Settings of the OpenVidu server half. Each falls back to its environment variable. `retry` covers
 * REST requests that failed with a 5xx status or a network error; its `maximumDelay` defaults to 5 000.
 */
export interface OpenViduSettings extends VendorRestSettings {
  /** OpenVidu's URL, such as `https://openvidu.example.com` (REST is below `/openvidu/api`). Default: `OPENVIDU_URL`. */
  url?: string
  /** The OpenVidu secret (HTTP Basic password of user `OPENVIDUAPP`). Default: `OPENVIDU_SECRET`. */
  secret?: string
  /**
   * The header that authenticates webhooks: OpenVidu signs nothing, so configure it to send a header
   * only you know (`OPENVIDU_WEBHOOK_HEADERS=["Authorization: Basic …"]`) and give the same here.
   * Default: parsed from `OPENVIDU_WEBHOOK_HEADERS` (a JSON array of `"Name: value"` strings, as
   * OpenVidu reads it; every header listed must match). Without it the adapter offers no webhooks.
   */
  webhookHeader?: OpenViduWebhookHeader
  /**
   * How the `openvidu-samples` compatibility routes answer the session id and the token: `json`, a
   * JSON string (as openvidu-basic-dotnet; axios and jQuery pages read it as the string), or `text`,
   * the bare value (as openvidu-basic-node and -java; for pages that read the raw body, such as
   * Angular's `responseType: 'text'`). Default `json`.
   */
  samplesAnswerFormat?: SamplesAnswerFormat
  /** The fetch implementation REST calls use. Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch
}

/** The environment variables the settings fall back to. */
export const openViduEnvironmentVariables = {
  url: 'OPENVIDU_URL',
  secret: 'OPENVIDU_SECRET',
  webhookHeaders: 'OPENVIDU_WEBHOOK_HEADERS',
} as const

export interface ResolvedOpenViduSettings extends ResolvedVendorRestSettings {
  /** `url` without a trailing slash. */
  url: string
  /** Where the REST API lives: `<url>/openvidu/api`. */
  apiUrl: string
  secret: string
  webhookHeaders: OpenViduWebhookHeader[]
  samplesAnswerFormat: SamplesAnswerFormat
  fetch: typeof globalThis.fetch | undefined
}

const restDefaults: ResolvedVendorRestSettings = { timeout: 10_000, retry: { limit: 2, initialDelay: 300, maximumDelay: 5_000 } }

/** OpenVidu's REST base path (`RequestMappings.API`). */
export const OPENVIDU_API_PATH = '/openvidu/api'

const HeaderNameSchema = z.string().check(z.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'))
const WebhookHeaderSchema = z.object({
  name: HeaderNameSchema,
  value: z.string().check(z.minLength(1, 'must not be empty')),
})

const ResolvedSettingsSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'url (or OPENVIDU_URL) must be an http(s) URL, such as https://openvidu.example.com' }),
  secret: z.string().check(z.minLength(1, 'secret (or OPENVIDU_SECRET) is required')),
  webhookHeaders: z.array(WebhookHeaderSchema),
  samplesAnswerFormat: z.enum(['json', 'text']),
  ...vendorRestSettingsShape,
})

function fromEnvironment(name: string): string | undefined {
  const value = process.env[name]
  return value === undefined || value === '' ? undefined : value
}

function invalid(problems: string[], details?: unknown): CallportError {
  return new CallportError('INVALID_INPUT', `Invalid OpenVidu settings: ${problems.join('; ')}`, { provider: OPENVIDU_PROVIDER, details })
}

/**
 * Reads `OPENVIDU_WEBHOOK_HEADERS` as OpenVidu does: a JSON array of `"Name: value"` strings. A
 * single `"Name: value"` string is accepted too.
 */
export function parseWebhookHeaders(text: string): OpenViduWebhookHeader[] {
  let entries: unknown
  try {
    entries = JSON.parse(text)
  } catch {
    entries = [text]
  }
  if (!Array.isArray(entries) || entries.length === 0) {
    throw invalid([`${openViduEnvironmentVariables.webhookHeaders} must be a JSON array of "Name: value" strings`])
  }
  return entries.map((entry) => {
    const separator = typeof entry === 'string' ? entry.indexOf(':') : -1
    if (typeof entry !== 'string' || separator <= 0) {
      throw invalid([`${openViduEnvironmentVariables.webhookHeaders} entries must be "Name: value" strings`])
    }
    return { name: entry.slice(0, separator).trim(), value: entry.slice(separator + 1).trim() }
  })
}

/** Applies environment variables and defaults, and validates. Throws INVALID_INPUT naming what is wrong. */
export function resolveOpenViduSettings(settings: OpenViduSettings = {}): ResolvedOpenViduSettings {
  const headersVariable = fromEnvironment(openViduEnvironmentVariables.webhookHeaders)
  const candidate = {
    url: settings.url ?? fromEnvironment(openViduEnvironmentVariables.url) ?? '',
    secret: settings.secret ?? fromEnvironment(openViduEnvironmentVariables.secret) ?? '',
    webhookHeaders: settings.webhookHeader ? [settings.webhookHeader] : headersVariable ? parseWebhookHeaders(headersVariable) : [],
    samplesAnswerFormat: settings.samplesAnswerFormat ?? 'json',
    ...withVendorRestDefaults(settings, restDefaults),
  }
  const parsed = ResolvedSettingsSchema.safeParse(candidate)
  if (!parsed.success) {
    throw invalid(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`),
      parsed.error.issues,
    )
  }
  const url = parsed.data.url.replace(/\/+$/, '')
  return { ...parsed.data, url, apiUrl: `${url}${OPENVIDU_API_PATH}`, fetch: settings.fetch }
}
