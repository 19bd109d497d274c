import { CallportError } from '@callport/core'
import * as z from 'zod/mini'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

/** Environment variable read when `secret` is not given. */
export const SECRET_ENVIRONMENT_VARIABLE = 'CALLPORT_SIGNALING_SECRET'
/** Environment variable read when `url` is not given. */
export const URL_ENVIRONMENT_VARIABLE = 'CALLPORT_SIGNALING_URL'
/** Shortest secret accepted, in bytes (HS256 wants a key at least as long as its 256-bit output). */
export const MINIMUM_SECRET_BYTES = 32

/** Settings of the signaling server half, `signaling(settings)`. */
export interface SignalingSettings {
  /** HS256 secret shared with the signaling server, at least 32 bytes. Default: `CALLPORT_SIGNALING_SECRET`. */
  secret?: string
  /** URL browsers connect socket.io to (http, https, ws or wss). Default: `CALLPORT_SIGNALING_URL`. */
  url?: string
  /** socket.io path, when the signaling server is mounted on another path than `/socket.io`. */
  path?: string
}

export interface ResolvedSignalingSettings {
  secret: string
  url: string
  path: string | undefined
}

const UrlSchema = z.string().check(
  z.refine((value) => {
    try {
      return ['http:', 'https:', 'ws:', 'wss:'].includes(new URL(value).protocol)
    } catch {
      return false
    }
  }),
)
const PathSchema = z.string().check(z.regex(/^\/[^\s?#]*$/))

/**
 * The secret from settings or `CALLPORT_SIGNALING_SECRET`. Throws `INVALID_INPUT` when it is missing
 * or shorter than 32 bytes, naming where it was looked for.
 */
export function resolveSecret(secret: string | undefined, owner: string): string {
  const value = secret ?? process.env[SECRET_ENVIRONMENT_VARIABLE]
  if (value === undefined || value === '') {
    throw new CallportError('INVALID_INPUT', `${owner}: a secret is required (pass { secret } or set ${SECRET_ENVIRONMENT_VARIABLE})`, {
      provider: SIGNALING_PROVIDER,
    })
  }
  const bytes = Buffer.byteLength(value, 'utf8')
  if (bytes < MINIMUM_SECRET_BYTES) {
    throw new CallportError(
      'INVALID_INPUT',
      `${owner}: the secret must be at least ${MINIMUM_SECRET_BYTES} bytes long (it is ${bytes}); generate one with \`openssl rand -base64 32\``,
      { provider: SIGNALING_PROVIDER },
    )
  }
  return value
}

/** Settings with environment defaults applied and checked. Throws `INVALID_INPUT` with a clear message. */
export function resolveSignalingSettings(settings: SignalingSettings = {}): ResolvedSignalingSettings {
  const secret = resolveSecret(settings.secret, 'signaling()')
  const url = settings.url ?? process.env[URL_ENVIRONMENT_VARIABLE]
  if (url === undefined || url === '') {
    throw new CallportError('INVALID_INPUT', `signaling(): a url is required (pass { url } or set ${URL_ENVIRONMENT_VARIABLE})`, {
      provider: SIGNALING_PROVIDER,
    })
  }
  if (!UrlSchema.safeParse(url).success) {
    throw new CallportError('INVALID_INPUT', `signaling(): url must be an absolute http, https, ws or wss URL, got ${JSON.stringify(url)}`, {
      provider: SIGNALING_PROVIDER,
    })
  }
  if (settings.path !== undefined && !PathSchema.safeParse(settings.path).success) {
    throw new CallportError('INVALID_INPUT', `signaling(): path must start with "/" and contain no spaces, "?" or "#", got ${JSON.stringify(settings.path)}`, {
      provider: SIGNALING_PROVIDER,
    })
  }
  return { secret, url, path: settings.path }
}
