import * as z from 'zod/mini'
import { CallportError } from '@callport/core'

/**
 * Short-lived TURN credentials in the "TURN REST API" scheme coturn implements with
 * `use-auth-secret` + `static-auth-secret` (draft-uberti-behave-turn-rest-00): the username is
 * `<expiry>:<identity>` (expiry in Unix seconds; coturn reads the number before the first `:` and
 * refuses the allocation once it has passed), the password is base64(HMAC-SHA1(secret, username)).
 * No state is shared with coturn beyond the secret, so any app server can issue them.
 */

/** Where the TURN server is and the secret it shares with the app (coturn's `static-auth-secret`). */
export interface TurnServerSettings {
  /** `turn:` / `turns:` URIs, such as `turn:turn.example.com:3478?transport=udp`. */
  urls: readonly string[]
  /** coturn's `static-auth-secret`. */
  secret: string
}

/** An `RTCIceServer` with the credentials filled in, as a page hands it to `RTCPeerConnection`. */
export interface TurnIceServer {
  urls: string[]
  username: string
  credential: string
}

export interface TurnCredentialOptions {
  /** Who the credentials are for: the part after the expiry in the username (any text; coturn only reads up to the first `:`). */
  identity: string
  /** How long they are valid, in seconds (use the lifetime of the token they travel with). */
  ttlSeconds: number
  /** Now, in milliseconds since the epoch (for tests). */
  now?: number
}

const TurnUrlSchema = z.string().check(z.regex(/^turns?:[^\s]+$/, 'a turn: or turns: URI'))
/** TURN settings as an app passes them; a wrong field is refused by name. */
export const TurnServerSettingsSchema = z.strictObject(
  {
    urls: z.array(TurnUrlSchema).check(z.minLength(1, 'at least one TURN URI')),
    secret: z.string().check(z.minLength(1, 'the shared secret is empty')),
  },
  {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown setting ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} (known: urls, secret)` : undefined),
  },
)

/** The environment variables every self-hosted provider reads its TURN settings from when `turn` is not given. */
export const TURN_ENVIRONMENT_VARIABLES = { urls: 'CALLPORT_TURN_URLS', secret: 'CALLPORT_TURN_SECRET' } as const

/**
 * The `turn` setting a provider falls back to: `CALLPORT_TURN_URLS` (comma-separated URIs) and
 * `CALLPORT_TURN_SECRET` when both are set, else undefined. Not validated here: the provider checks
 * it with its other settings (TurnServerSettingsSchema), so a bad URI is named with them.
 */
export function turnSettingsFromEnvironment(environment: Readonly<Record<string, string | undefined>>): TurnServerSettings | undefined {
  const urls = environment[TURN_ENVIRONMENT_VARIABLES.urls]
  const secret = environment[TURN_ENVIRONMENT_VARIABLES.secret]
  return urls && secret ? { urls: urls.split(',').map((uri) => uri.trim()), secret } : undefined
}

/** Checks TURN settings, throwing INVALID_INPUT that names what is wrong. */
export function parseTurnServerSettings(settings: unknown, provider?: string): TurnServerSettings {
  const parsed = TurnServerSettingsSchema.safeParse(settings)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'turn'}: ${issue.message}`).join('; ')
  throw new CallportError('INVALID_INPUT', `Invalid TURN settings (${problems})`, { ...(provider ? { provider } : {}), details: parsed.error.issues })
}

const utf8 = new TextEncoder()

/** base64 of `bytes` without Buffer (runs where Node's Buffer does not). */
function base64(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text)
}

/**
 * TURN credentials for one participant, valid for `ttlSeconds`, as an ICE server entry. Web Crypto
 * (HMAC-SHA1), so it runs on every runtime the server half runs on.
 */
export async function createTurnCredentials(settings: TurnServerSettings, options: TurnCredentialOptions): Promise<TurnIceServer> {
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
    throw new CallportError('INVALID_INPUT', `TURN credentials need a positive whole number of seconds, got ${options.ttlSeconds}`)
  }
  const expiry = Math.floor((options.now ?? Date.now()) / 1000) + options.ttlSeconds
  const username = `${expiry}:${options.identity}`
  const key = await crypto.subtle.importKey('raw', utf8.encode(settings.secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8.encode(username)))
  return { urls: [...settings.urls], username, credential: base64(signature) }
}
