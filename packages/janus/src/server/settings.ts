import * as z from 'zod/mini'
import { loadSettings, parseInput, processEnvironment, type ProviderSettingsBase } from '@callport/provider-utils'
import {
  resolveVendorRestSettings,
  TurnServerSettingsSchema,
  vendorRestSettingNames,
  vendorRestSettingsShape,
  type ResolvedVendorRestSettings,
  type TurnServerSettings,
  type VendorRestSettings,
} from '@callport/provider-utils/server'
import { JANUS_PROVIDER } from '../shared/provider-id'

/**
 * Settings of the Janus server half, `janus(settings)`. Janus runs with signed tokens
 * (`token_auth = true` and `token_auth_secret` in janus.jcfg), the HTTP transport reachable from the
 * app server, and the VideoRoom plugin with numeric room ids (its default, `string_ids = false`).
 */
export interface JanusSettings extends VendorRestSettings, ProviderSettingsBase {
  /** The Janus API over the HTTP transport, as the app server reaches it: `http://127.0.0.1:8088/janus`. Default: `JANUS_URL`. */
  url?: string
  /**
   * Where browsers reach Janus (`token.connect.url`): `wss://janus.example.com/` (WebSocket transport)
   * or `https://janus.example.com/janus` (HTTP transport). Default: `JANUS_CLIENT_URL`, else `url`.
   */
  clientUrl?: string
  /** Janus's `token_auth_secret`: signs every token, and the room secrets derive from it. Default: `JANUS_TOKEN_SECRET`. */
  tokenSecret?: string
  /** VideoRoom's `admin_key` (janus.plugin.videoroom.jcfg), when rooms may only be created with it. Default: `JANUS_ADMIN_KEY`, else none. */
  adminKey?: string
  /**
   * A TURN server sharing a secret with the app (coturn's `use-auth-secret`): every token then carries
   * TURN credentials valid as long as the token in `connect.iceServers`. Default: `CALLPORT_TURN_URLS`
   * (comma-separated) and `CALLPORT_TURN_SECRET` when both are set; else none.
   */
  turn?: TurnServerSettings
}

/** Settings after environment variables and defaults are applied. */
export interface ResolvedJanusSettings {
  /** The Janus API URL, without a trailing slash. */
  url: string
  clientUrl: string
  tokenSecret: string
  adminKey: string | undefined
  turn: TurnServerSettings | undefined
  rest: ResolvedVendorRestSettings
}

/** The environment variable each setting falls back to. */
export const janusEnvironmentVariables = {
  url: 'JANUS_URL',
  clientUrl: 'JANUS_CLIENT_URL',
  tokenSecret: 'JANUS_TOKEN_SECRET',
  adminKey: 'JANUS_ADMIN_KEY',
} as const satisfies { readonly [Key in keyof JanusSettings]?: string }

/** Environment variables read when `turn` is not given (the same as the signaling provider's). */
export const TURN_URLS_ENVIRONMENT_VARIABLE = 'CALLPORT_TURN_URLS'
export const TURN_SECRET_ENVIRONMENT_VARIABLE = 'CALLPORT_TURN_SECRET'

const knownSettings = ['url', 'clientUrl', 'tokenSecret', 'adminKey', 'turn', ...vendorRestSettingNames] as const satisfies readonly (keyof JanusSettings)[]

const required = (message: string) => z.string({ error: message }).check(z.minLength(1, message))
const urlWith = (protocols: RegExp, message: string) =>
  z.string().check(
    z.refine((value) => {
      try {
        const parsed = new URL(value)
        return protocols.test(parsed.protocol) && parsed.hostname !== ''
      } catch {
        return false
      }
    }, message),
  )

const JanusSettingsSchema = z.object({
  url: required('url (or JANUS_URL) is required').check(
    z.refine((value) => {
      try {
        return /^https?:$/.test(new URL(value).protocol)
      } catch {
        return false
      }
    }, 'url (or JANUS_URL) must be the http:// or https:// URL of the Janus API (HTTP transport), such as http://127.0.0.1:8088/janus'),
  ),
  clientUrl: z.optional(urlWith(/^(wss?|https?):$/, 'clientUrl (or JANUS_CLIENT_URL) must be a ws://, wss://, http:// or https:// URL')),
  tokenSecret: required("tokenSecret (or JANUS_TOKEN_SECRET) is required: Janus's token_auth_secret"),
  adminKey: z.optional(z.string().check(z.minLength(1, 'adminKey is empty'))),
  turn: z.optional(TurnServerSettingsSchema),
  ...vendorRestSettingsShape,
})

/**
 * Refuses unknown settings by name, fills them from their environment variables and validates.
 * Throws one INVALID_INPUT naming every problem.
 */
export function resolveJanusSettings(settings: JanusSettings | undefined): ResolvedJanusSettings {
  const loaded = loadSettings(settings, {
    provider: JANUS_PROVIDER,
    subject: 'Janus settings',
    known: knownSettings,
    fromEnvironment: janusEnvironmentVariables,
  })
  const { environmentVariables, ...given } = loaded
  const environment = environmentVariables ?? processEnvironment()
  const [turnUrls, turnSecret] = [environment[TURN_URLS_ENVIRONMENT_VARIABLE], environment[TURN_SECRET_ENVIRONMENT_VARIABLE]]
  const turn = given.turn ?? (turnUrls && turnSecret ? { urls: turnUrls.split(',').map((uri) => uri.trim()), secret: turnSecret } : undefined)
  const parsed = parseInput(JanusSettingsSchema, { ...given, turn }, { subject: 'Invalid Janus settings', provider: JANUS_PROVIDER })
  const url = parsed.url.replace(/\/+$/, '')
  return {
    url,
    clientUrl: parsed.clientUrl ?? url,
    tokenSecret: parsed.tokenSecret,
    adminKey: parsed.adminKey,
    turn: parsed.turn,
    rest: resolveVendorRestSettings(parsed),
  }
}
