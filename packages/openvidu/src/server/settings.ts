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
 * environment variables (read from `environmentVariables`, default `process.env`). `timeout`, `retry`,
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
   * Default: parsed from `OPENVIDU_WEBHOOK_HEADERS` exactly as OpenVidu reads it (a JSON array of
   * `"Name: value"` strings split at the first `": "`; `[]` and `[""]` mean none; every header listed
   * must match). Without one the adapter offers no webhooks.
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
  value: z.string().check(z.minLength(1, 'must not be empty'), z.regex(/[^ \t]/, 'must not be only spaces')),
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
 * Reads `OPENVIDU_WEBHOOK_HEADERS` exactly as openvidu-server 2.32.2 does
 * (`config/OpenviduConfig.java` `checkWebhookHeaders` and `asJsonStringsArray`):
 *
 * - the text is a JSON array of strings; `[]` and `[""]` mean no header (the empty list);
 * - each string is split at its FIRST `": "` (colon AND space, `header.split(": ", 2)`), nothing is
 *   trimmed: `"Authorization: Basic x"` is `Authorization` / `Basic x`, `"X-Key:  v"` has the value
 *   `" v"`, and `"X-Key:v"` (no space) is an error, as it is for OpenVidu (which refuses to start);
 * - an empty name or an empty value is an error.
 *
 * Two refusals are Callport's own, for headers OpenVidu would accept but that cannot authenticate a
 * delivery: a name that is not an HTTP token (OpenVidu would send a malformed header line) and a
 * value of spaces only (it arrives empty, since receivers strip the spaces around a header value).
 */
export function parseWebhookHeaders(text: string): OpenViduWebhookHeader[] {
  const variable = openViduEnvironmentVariables.webhookHeaders
  let entries: unknown
  try {
    entries = JSON.parse(text)
  } catch {
    throw invalid(`${variable} is not a valid strings array in JSON format, such as ["Authorization: Basic …"]`)
  }
  if (!Array.isArray(entries) || !entries.every((entry): entry is string => typeof entry === 'string')) {
    throw invalid(`${variable} must be a JSON array of "Name: value" strings`)
  }
  // asJsonStringsArray: a list of one empty string is the empty list.
  if (entries.length === 1 && entries[0] === '') return []
  return entries.map((entry) => {
    const separator = entry.indexOf(': ')
    if (separator < 0) throw invalid(`${variable}: a header must be written "HEADER_NAME: HEADER_VALUE" (colon and space)`)
    const header = { name: entry.slice(0, separator), value: entry.slice(separator + 2) }
    if (header.name === '') throw invalid(`${variable}: a header name cannot be empty`)
    if (header.value === '') throw invalid(`${variable}: the value of "${header.name}" cannot be empty`)
    const parsed = WebhookHeaderSchema.safeParse(header)
    if (!parsed.success) throw invalid(`${variable}: "${header.name}" ${parsed.error.issues[0]?.message ?? 'is invalid'}`)
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
    fromEnvironment: { url: openViduEnvironmentVariables.url, secret: openViduEnvironmentVariables.secret },
  })
  const valid = parseInput(SettingsSchema, loaded, { subject: 'Invalid OpenVidu settings', provider: OPENVIDU_PROVIDER })
  let webhookHeaders: OpenViduWebhookHeader[] = []
  if (valid.webhookHeader) {
    webhookHeaders = [valid.webhookHeader]
  } else {
    const variable = (loaded.environmentVariables ?? processEnvironment())[openViduEnvironmentVariables.webhookHeaders]
    // Unset or empty: no header (OpenVidu's own default is `[]`).
    if (variable !== undefined && variable.trim() !== '') webhookHeaders = parseWebhookHeaders(variable)
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
