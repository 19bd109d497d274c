import { loadSettings, parseInput, processEnvironment, type ProviderSettingsBase } from '@callport/provider-utils'
import { turnSettingsFromEnvironment, TurnServerSettingsSchema, type TurnServerSettings } from '@callport/provider-utils/server'
import * as z from 'zod/mini'
import { SIGNALING_PROVIDER } from '../shared/provider-id'
import { lowEntropySecretProblem } from './secret-strength'

/** Environment variable read when `secret` is not given. */
export const SECRET_ENVIRONMENT_VARIABLE = 'CALLPORT_SIGNALING_SECRET'
/** Environment variable read when `url` is not given. */
export const URL_ENVIRONMENT_VARIABLE = 'CALLPORT_SIGNALING_URL'
/** Shortest secret accepted, in bytes (HS256 wants a key at least as long as its 256-bit output). */
export const MINIMUM_SECRET_BYTES = 32

// TextEncoder rather than Buffer: the token issuer runs on web-standard runtimes too.
const utf8 = new TextEncoder()

/** Settings of the signaling server half, `signaling(settings)`. */
export interface SignalingSettings extends ProviderSettingsBase {
  /**
   * HS256 secret shared with the signaling server: at least 32 bytes, and random (obviously low-entropy
   * secrets, such as one character repeated, are refused). Default: `CALLPORT_SIGNALING_SECRET`.
   */
  secret?: string
  /** URL browsers connect socket.io to (http, https, ws or wss). Default: `CALLPORT_SIGNALING_URL`. */
  url?: string
  /** socket.io path, when the signaling server is mounted on another path than `/socket.io`. */
  path?: string
  /**
   * A TURN server sharing a secret with the app (coturn's `use-auth-secret` + `static-auth-secret`):
   * every token then carries TURN credentials for its participant, valid as long as the token, so
   * that people on different networks can connect. Default: `CALLPORT_TURN_URLS` (comma-separated)
   * and `CALLPORT_TURN_SECRET` when both are set; else none (host candidates only).
   */
  turn?: TurnServerSettings
}

export interface ResolvedSignalingSettings {
  secret: string
  url: string
  path: string | undefined
  turn: TurnServerSettings | undefined
}

/**
 * The secret: present, at least 32 bytes of UTF-8 (not characters), and not obviously low-entropy
 * (at least 6 distinct bytes, no run of more than 11 of one byte, an estimated entropy of at least
 * 64 bits: see `lowEntropySecretProblem`).
 */
export const SecretSchema = z.string({ error: `secret is required (pass { secret } or set ${SECRET_ENVIRONMENT_VARIABLE})` }).check((context) => {
  const bytes = utf8.encode(context.value).length
  if (bytes === 0) {
    context.issues.push({ code: 'custom', input: context.value, message: `secret is required (pass { secret } or set ${SECRET_ENVIRONMENT_VARIABLE})` })
  } else if (bytes < MINIMUM_SECRET_BYTES) {
    context.issues.push({
      code: 'custom',
      input: context.value,
      message: `the secret must be at least ${MINIMUM_SECRET_BYTES} bytes long (it is ${bytes}); generate one with \`openssl rand -base64 32\``,
    })
  } else {
    const problem = lowEntropySecretProblem(context.value)
    if (problem !== undefined) {
      context.issues.push({
        code: 'custom',
        input: context.value,
        message: `the secret is obviously not random: ${problem}; generate one with \`openssl rand -base64 32\``,
      })
    }
  }
})

const urlMessage = 'url must be an absolute http, https, ws or wss URL'
const UrlSchema = z.string({ error: `url is required (pass { url } or set ${URL_ENVIRONMENT_VARIABLE})` }).check(
  z.minLength(1, `url is required (pass { url } or set ${URL_ENVIRONMENT_VARIABLE})`),
  z.refine((value) => {
    try {
      return ['http:', 'https:', 'ws:', 'wss:'].includes(new URL(value).protocol)
    } catch {
      return false
    }
  }, urlMessage),
)

/** A socket.io path: starts with "/", no spaces, "?" or "#". */
export const PathSchema = z.string().check(z.regex(/^\/[^\s?#]*$/, 'path must start with "/" and contain no spaces, "?" or "#"'))

const SignalingSettingsSchema = z.object({
  secret: SecretSchema,
  url: UrlSchema,
  path: z.optional(PathSchema),
  turn: z.optional(TurnServerSettingsSchema),
})

const knownSettings = ['secret', 'url', 'path', 'turn'] as const satisfies readonly (keyof SignalingSettings)[]

/**
 * Refuses unknown settings, fills `secret` and `url` from `CALLPORT_SIGNALING_SECRET` and
 * `CALLPORT_SIGNALING_URL` (read from `settings.environmentVariables`, default `process.env`) and validates.
 * Throws one `INVALID_INPUT` naming every problem and where each setting was looked for.
 */
export function resolveSignalingSettings(settings: SignalingSettings | undefined): ResolvedSignalingSettings {
  const loaded = loadSettings(settings, {
    provider: SIGNALING_PROVIDER,
    subject: 'Signaling settings',
    known: knownSettings,
    fromEnvironment: { secret: SECRET_ENVIRONMENT_VARIABLE, url: URL_ENVIRONMENT_VARIABLE },
  })
  const environment = loaded.environmentVariables ?? processEnvironment()
  const turn = loaded.turn ?? turnSettingsFromEnvironment(environment)
  const parsed = parseInput(SignalingSettingsSchema, { ...loaded, turn }, { subject: 'Invalid signaling settings', provider: SIGNALING_PROVIDER })
  return { secret: parsed.secret, url: parsed.url, path: parsed.path, turn: parsed.turn }
}
