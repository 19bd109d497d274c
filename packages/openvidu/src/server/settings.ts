import * as z from 'zod/mini'
import { CallportError } from '@callport/core'
import { loadSettings, parseInput, processEnvironment, type ProviderSettingsBase } from '@callport/provider-utils'
import {
  resolveVendorRestSettings,
  vendorRestSettingNames,
  vendorRestSettingsShape,
  type ResolvedVendorRestSettings,
  type VendorRestSettings,
} from '@callport/provider-utils/server'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'

/** A header OpenVidu is configured to send with every webhook (`OPENVIDU_WEBHOOK_HEADERS`). */
export interface OpenViduWebhookHeader {
  /** Header name, such as `Authorization`. */
  name: string
  /** The exact value, such as `Basic dXNlcjpwYXNz`. */
  value: string
}

/**
 * Settings of the OpenVidu server half. `url`, `secret` and the webhook header fall back to their
 * environment variables (read from `environment`, default `process.env`). `timeout`, `retry`,
 * `headers` and `fetch` are the REST settings every Callport provider shares.
 */
export interface OpenViduSettings extends VendorRestSettings, ProviderSettingsBase {
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
  webhookHeader?: { name: string; value: string }
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
}

/** OpenVidu's REST base path (`RequestMappings.API`). */
export const OPENVIDU_API_PATH = '/openvidu/api'

const knownSettings = ['url', 'secret', 'webhookHeader', ...vendorRestSettingNames] as const satisfies readonly (keyof OpenViduSettings)[]

const WebhookHeaderSchema = z.object({
  name: z.string().check(z.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name')),
  value: z.string().check(z.minLength(1, 'must not be empty')),
})

/** The one schema of the settings (after the environment filled what was not given). */
const SettingsSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'url (or OPENVIDU_URL) must be an http(s) URL, such as https://openvidu.example.com' }),
  secret: z.string({ error: 'secret (or OPENVIDU_SECRET) is required' }).check(z.minLength(1, 'secret (or OPENVIDU_SECRET) is required')),
  webhookHeader: z.optional(WebhookHeaderSchema),
  ...vendorRestSettingsShape,
})

function invalid(problem: string): CallportError {
  return new CallportError('INVALID_INPUT', `Invalid OpenVidu settings: ${problem}`, { provider: OPENVIDU_PROVIDER })
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
    throw invalid(`${openViduEnvironmentVariables.webhookHeaders} must be a JSON array of "Name: value" strings`)
  }
  return entries.map((entry) => {
    const separator = typeof entry === 'string' ? entry.indexOf(':') : -1
    if (typeof entry !== 'string' || separator <= 0) {
      throw invalid(`${openViduEnvironmentVariables.webhookHeaders} entries must be "Name: value" strings`)
    }
    const header = { name: entry.slice(0, separator).trim(), value: entry.slice(separator + 1).trim() }
    const parsed = WebhookHeaderSchema.safeParse(header)
    if (!parsed.success) throw invalid(`${openViduEnvironmentVariables.webhookHeaders}: "${header.name}" ${parsed.error.issues[0]?.message ?? 'is invalid'}`)
    return parsed.data
  })
}

/**
 * Loads the settings (unknown keys refused, environment variables filling what is not given),
 * validates them with one schema and applies the REST defaults. Throws INVALID_INPUT naming what is
 * wrong, never a value.
 */
export function resolveOpenViduSettings(settings?: OpenViduSettings): ResolvedOpenViduSettings {
  const loaded = loadSettings(settings, {
    provider: OPENVIDU_PROVIDER,
    subject: 'OpenVidu settings',
    known: knownSettings,
    environmentVariables: { url: openViduEnvironmentVariables.url, secret: openViduEnvironmentVariables.secret },
  })
  const valid = parseInput(SettingsSchema, loaded, { subject: 'Invalid OpenVidu settings', provider: OPENVIDU_PROVIDER })
  let webhookHeaders: OpenViduWebhookHeader[] = []
  if (valid.webhookHeader) {
    webhookHeaders = [valid.webhookHeader]
  } else {
    const variable = (loaded.environment ?? processEnvironment())[openViduEnvironmentVariables.webhookHeaders]
    if (variable) webhookHeaders = parseWebhookHeaders(variable)
  }
  const url = valid.url.replace(/\/+$/, '')
  return {
    ...resolveVendorRestSettings(valid),
    url,
    apiUrl: `${url}${OPENVIDU_API_PATH}`,
    secret: valid.secret,
    webhookHeaders,
  }
}
