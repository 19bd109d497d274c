import { CallportError } from '@callport/core'
import * as z from 'zod/mini'
import { closestName, loadSettings, parseInput, processEnvironment, type ProviderSettingsBase } from '@callport/provider-utils'
import {
  resolveVendorRestSettings,
  turnSettingsFromEnvironment,
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
  /**
   * The Janus API over the HTTP transport, as the app server reaches it: `http://127.0.0.1:8088/janus`
   * (one Janus server; for several, `servers`). Default: `JANUS_URL` (several URLs separated by
   * commas are several servers, in that order).
   */
  url?: string
  /**
   * Where browsers reach Janus (`token.connect.url`): `wss://janus.example.com/` (WebSocket transport)
   * or `https://janus.example.com/janus` (HTTP transport). Default: `JANUS_CLIENT_URL` (with several
   * `JANUS_URL`s, as many URLs separated by commas, matching by position), else `url`.
   */
  clientUrl?: string
  /**
   * Several Janus servers sharing the token secret (instead of `url` and `clientUrl`): each room lives
   * on one of them. A new room goes to the least-loaded live server (live: it answers `GET /info`;
   * load: the participants of its VideoRoom rooms, then its number of rooms, then this order), so
   * `adminKey` is required (VideoRoom lists private rooms only with it). A room whose server no longer
   * answers counts as gone: the call server creates it again on a live server at the next join, and
   * the pages follow by reconnecting.
   */
  servers?: JanusServerSettings[]
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

/** One Janus server of `servers`. */
export interface JanusServerSettings {
  /** The Janus API over the HTTP transport, as the app server reaches it: `http://10.0.0.7:8088/janus`. */
  url: string
  /** Where browsers reach this server (`token.connect.url`). Default: `url`. */
  clientUrl?: string
  /**
   * The server's name in `providerRoomId` (`<id>/<VideoRoom room id>`), which the call server's room
   * store keeps: keep it when the URL changes. Letters, digits, `.`, `_`, `:` and `-`. Default: the
   * URL's host (`10.0.0.7:8088`).
   */
  id?: string
}

/** One Janus server after defaults are applied. */
export interface ResolvedJanusServer {
  id: string
  /** The Janus API URL, without a trailing slash. */
  url: string
  clientUrl: string
}

/** Settings after environment variables and defaults are applied. */
export interface ResolvedJanusSettings {
  /** The first server's Janus API URL, without a trailing slash. */
  url: string
  /** The first server's client URL. */
  clientUrl: string
  /** Every server, in the configured order (one when `url` is used). */
  servers: ResolvedJanusServer[]
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

const knownSettings = ['url', 'clientUrl', 'servers', 'tokenSecret', 'adminKey', 'turn', ...vendorRestSettingNames] as const satisfies readonly (keyof JanusSettings)[]

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

const apiUrl = (setting: string) =>
  required(`${setting} is required`).check(
    z.refine((value) => {
      if (value === '') return true // said by `required`
      try {
        return /^https?:$/.test(new URL(value).protocol)
      } catch {
        return false
      }
    }, `${setting} must be the http:// or https:// URL of the Janus API (HTTP transport), such as http://127.0.0.1:8088/janus`),
  )
const clientUrlSchema = urlWith(/^(wss?|https?):$/, 'clientUrl (or JANUS_CLIENT_URL) must be a ws://, wss://, http:// or https:// URL')
const serverSettingNames = ['url', 'clientUrl', 'id'] as const satisfies readonly (keyof JanusServerSettings)[]

const JanusServerSettingsSchema = z.strictObject(
  {
    url: apiUrl('url'),
    clientUrl: z.optional(clientUrlSchema),
    id: z.optional(z.string().check(z.regex(/^[\w.:-]{1,100}$/, 'id must be 1 to 100 letters, digits, ".", "_", ":" or "-"'))),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys
            .map((key) => {
              const hint = closestName(key, serverSettingNames)
              return `unknown setting ${JSON.stringify(key)}${hint === undefined ? '' : ` (did you mean ${JSON.stringify(hint)}?)`}`
            })
            .join('; ') + ` (known: ${serverSettingNames.join(', ')})`
        : undefined,
  },
)

const JanusSettingsSchema = z.object({
  url: z.optional(apiUrl('url (or JANUS_URL)')),
  clientUrl: z.optional(clientUrlSchema),
  servers: z.optional(z.array(JanusServerSettingsSchema).check(z.minLength(1, 'servers is empty'))),
  tokenSecret: required("tokenSecret (or JANUS_TOKEN_SECRET) is required: Janus's token_auth_secret"),
  adminKey: z.optional(z.string().check(z.minLength(1, 'adminKey is empty'))),
  turn: z.optional(TurnServerSettingsSchema),
  ...vendorRestSettingsShape,
})

const invalid = (message: string) => new CallportError('INVALID_INPUT', `Invalid Janus settings: ${message}`, { provider: JANUS_PROVIDER })

/**
 * `url`/`clientUrl` or `servers`, whichever the settings give: a `JANUS_URL` listing several URLs
 * (comma-separated, `JANUS_CLIENT_URL` matching by position) becomes `servers`; `servers` given in
 * the settings wins over the environment.
 */
function serversFrom(settings: JanusSettings, loaded: JanusSettings): Pick<JanusSettings, 'url' | 'clientUrl' | 'servers'> {
  if (settings.servers !== undefined) {
    if (settings.url !== undefined || settings.clientUrl !== undefined) throw invalid('give either url (and clientUrl) or servers, not both')
    return { url: undefined, clientUrl: undefined, servers: settings.servers }
  }
  const { url, clientUrl } = loaded
  if (settings.url !== undefined || url === undefined || !url.includes(',')) return { url, clientUrl, servers: undefined }
  // JANUS_URL lists several servers.
  const urls = url.split(',').map((entry) => entry.trim())
  const clientUrls = clientUrl?.split(',').map((entry) => entry.trim())
  if (clientUrls !== undefined && clientUrls.length !== urls.length) {
    throw invalid(`JANUS_CLIENT_URL lists ${clientUrls.length} URL(s) for the ${urls.length} of JANUS_URL: give one per server, in the same order, or none`)
  }
  return {
    url: undefined,
    clientUrl: undefined,
    servers: urls.map((entry, index) => ({ url: entry, ...(clientUrls === undefined ? {} : { clientUrl: clientUrls[index]! }) })),
  }
}

/** The servers with their defaults; ids unique; several servers need `adminKey`. */
function resolveServers(parsed: z.infer<typeof JanusSettingsSchema>): ResolvedJanusServer[] {
  const given = parsed.servers ?? (parsed.url === undefined ? [] : [{ url: parsed.url, ...(parsed.clientUrl === undefined ? {} : { clientUrl: parsed.clientUrl }) }])
  if (given.length === 0) throw invalid('url (or JANUS_URL) is required')
  const servers = given.map((server) => {
    const url = server.url.replace(/\/+$/, '')
    return { id: server.id ?? new URL(url).host, url, clientUrl: server.clientUrl ?? url }
  })
  const ids = servers.map((server) => server.id)
  const repeated = ids.filter((id, index) => ids.indexOf(id) !== index)
  if (repeated.length > 0) throw invalid(`servers: the id ${JSON.stringify(repeated[0])} names two servers (give each its own id)`)
  if (servers.length > 1 && parsed.adminKey === undefined) {
    throw invalid(
      "several Janus servers need adminKey (or JANUS_ADMIN_KEY), VideoRoom's admin_key: rooms are private, and VideoRoom lists them (to weigh each server's load) only with it",
    )
  }
  return servers
}

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
  const turn = given.turn ?? turnSettingsFromEnvironment(environment)
  const servers = serversFrom(settings ?? {}, given)
  // Neither url nor servers: the empty url names what is missing beside the other problems.
  const where = servers.servers === undefined && servers.url === undefined ? { url: '' } : servers
  const parsed = parseInput(JanusSettingsSchema, { ...given, ...where, turn }, { subject: 'Invalid Janus settings', provider: JANUS_PROVIDER })
  const resolvedServers = resolveServers(parsed)
  return {
    url: resolvedServers[0]!.url,
    clientUrl: resolvedServers[0]!.clientUrl,
    servers: resolvedServers,
    tokenSecret: parsed.tokenSecret,
    adminKey: parsed.adminKey,
    turn: parsed.turn,
    rest: resolveVendorRestSettings(parsed),
  }
}
