import * as z from 'zod/mini'
import { loadSettings, parseInput, type ProviderSettingsBase } from '@callport/provider-utils'
import {
  resolveVendorRestSettings,
  vendorRestSettingNames,
  vendorRestSettingsShape,
  type ResolvedVendorRestSettings,
  type VendorRestSettings,
} from '@callport/provider-utils/server'
import { LIVEKIT_PROVIDER } from '../shared/provider-id'

/**
 * Settings of the LiveKit server half. The three credentials fall back to the environment variables
 * livekit-server-sdk's examples and LiveKit's CLI use (`LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET`, `LIVEKIT_URL`).
 */
export interface LiveKitSettings extends VendorRestSettings, ProviderSettingsBase {
  /** The API key: the `iss` of every token, and who RoomService calls are made as. Default: `LIVEKIT_API_KEY`. */
  apiKey?: string
  /** The API key's secret, which signs tokens (HS256). Default: `LIVEKIT_API_SECRET`. */
  apiSecret?: string
  /**
   * The LiveKit server: `wss://…` or `https://…` (`ws://`/`http://` for a local server). Clients
   * connect to its ws(s) form, RoomService is called on its http(s) form. Default: `LIVEKIT_URL`.
   */
  url?: string
}

/** Settings after environment variables and defaults are applied. */
export interface ResolvedLiveKitSettings {
  apiKey: string
  apiSecret: string
  /** The URL clients connect to (ws or wss), without a trailing slash. */
  websocketUrl: string
  /** The URL RoomService is called on (http or https), without a trailing slash. */
  apiUrl: string
  rest: ResolvedVendorRestSettings
}

/** The environment variable each setting falls back to. */
export const liveKitEnvironmentVariables = {
  apiKey: 'LIVEKIT_API_KEY',
  apiSecret: 'LIVEKIT_API_SECRET',
  url: 'LIVEKIT_URL',
} as const satisfies { readonly [Key in keyof LiveKitSettings]?: string }

const knownSettings = ['apiKey', 'apiSecret', 'url', ...vendorRestSettingNames] as const satisfies readonly (keyof LiveKitSettings)[]

/** A required string, with one message whether it is missing or empty. */
const required = (message: string) => z.string({ error: message }).check(z.minLength(1, message))

const LiveKitSettingsSchema = z.object({
  apiKey: required('apiKey (or LIVEKIT_API_KEY) is required'),
  apiSecret: required('apiSecret (or LIVEKIT_API_SECRET) is required'),
  url: required('url (or LIVEKIT_URL) is required').check(
    z.refine((value) => {
      try {
        const parsed = new URL(value)
        return /^(wss?|https?):$/.test(parsed.protocol) && parsed.hostname !== ''
      } catch {
        return false
      }
    }, 'url (or LIVEKIT_URL) must be a wss://, ws://, https:// or http:// URL of the LiveKit server'),
  ),
  ...vendorRestSettingsShape,
})

/** `wss://host/path` and `https://host/path` for one LiveKit URL, without trailing slashes. */
export function liveKitUrls(url: string): { websocketUrl: string; apiUrl: string } {
  const parsed = new URL(url)
  const secure = parsed.protocol === 'wss:' || parsed.protocol === 'https:'
  const rest = `${parsed.host}${parsed.pathname}`.replace(/\/+$/, '')
  return { websocketUrl: `${secure ? 'wss' : 'ws'}://${rest}`, apiUrl: `${secure ? 'https' : 'http'}://${rest}` }
}

/**
 * Refuses unknown settings by name, fills the credentials from their environment variables and
 * validates. Throws one INVALID_INPUT naming every problem.
 */
export function resolveLiveKitSettings(settings: LiveKitSettings | undefined): ResolvedLiveKitSettings {
  const loaded = loadSettings(settings, {
    provider: LIVEKIT_PROVIDER,
    subject: 'LiveKit settings',
    known: knownSettings,
    fromEnvironment: liveKitEnvironmentVariables,
  })
  const { environmentVariables: _environmentVariables, ...given } = loaded
  const parsed = parseInput(LiveKitSettingsSchema, given, { subject: 'Invalid LiveKit settings', provider: LIVEKIT_PROVIDER })
  return {
    apiKey: parsed.apiKey,
    apiSecret: parsed.apiSecret,
    ...liveKitUrls(parsed.url),
    rest: resolveVendorRestSettings(parsed),
  }
}
