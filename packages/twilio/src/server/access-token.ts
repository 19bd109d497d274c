import { createHmac } from 'node:crypto'

/**
 * Twilio Access Tokens with a video grant, signed with node:crypto (reference/vendors.md §2.1). The
 * bytes are those of twilio-node's `AccessToken` + `VideoGrant` for the same inputs and clock:
 * header `{"alg","typ":"JWT","cty":"twilio-fpa;v=1"[,"twr"]}`, payload
 * `{"jti":"<keySid>-<iat>","grants":{"identity","video":{"room"}}[,"nbf"],"iat","exp","iss","sub"}`,
 * in that key order.
 */

/** The algorithms twilio-node allows; HS256 is its default. */
export const accessTokenAlgorithms = ['HS256', 'HS384', 'HS512'] as const
export type AccessTokenAlgorithm = (typeof accessTokenAlgorithms)[number]

/** Twilio's default Access Token lifetime, in seconds. */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600

export interface AccessTokenOptions {
  /** `AC…`: the token's subject. */
  accountSid: string
  /** `SK…`: the token's issuer, and the key its signature is checked with. */
  apiKeySid: string
  apiKeySecret: string
  identity: string
  /** The room the video grant is limited to; omitted, the token is valid for any room. */
  room?: string
  /** Lifetime in seconds. Default 3600. */
  ttlSeconds?: number
  /** Seconds since the epoch the token is issued at. Default: now. */
  issuedAt?: number
  /** `nbf` claim, in seconds since the epoch, when the token must not be used before some time. */
  notBefore?: number
  /** Default `HS256`. */
  algorithm?: AccessTokenAlgorithm
  /** Twilio region (`twr` header), when the token is for a region other than the default. */
  region?: string
}

const digestOf: Record<AccessTokenAlgorithm, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }

/** jws encodes the header's JSON as `binary` (latin1) and the payload's as UTF-8; so does this. */
const encodeHeader = (header: Record<string, string>): string => Buffer.from(JSON.stringify(header), 'latin1').toString('base64url')

const defaultHeaders = new Map<AccessTokenAlgorithm, string>(
  accessTokenAlgorithms.map((algorithm) => [algorithm, encodeHeader({ alg: algorithm, typ: 'JWT', cty: 'twilio-fpa;v=1' })]),
)

function headerOf(algorithm: AccessTokenAlgorithm, region: string | undefined): string {
  if (region === undefined || region === '') return defaultHeaders.get(algorithm)!
  return encodeHeader({ alg: algorithm, typ: 'JWT', cty: 'twilio-fpa;v=1', twr: region })
}

/** Signs a Twilio Access Token carrying `identity` and a video grant. */
export function createAccessToken(options: AccessTokenOptions): string {
  const algorithm = options.algorithm ?? 'HS256'
  const issuedAt = options.issuedAt ?? Math.floor(Date.now() / 1000)
  const grants = { identity: options.identity, video: options.room ? { room: options.room } : {} }
  const payload: Record<string, unknown> = { jti: `${options.apiKeySid}-${issuedAt}`, grants }
  if (typeof options.notBefore === 'number') payload.nbf = options.notBefore
  payload.iat = issuedAt
  payload.exp = issuedAt + (options.ttlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS)
  payload.iss = options.apiKeySid
  payload.sub = options.accountSid
  const unsigned = `${headerOf(algorithm, options.region)}.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`
  const signature = createHmac(digestOf[algorithm], options.apiKeySecret).update(unsigned).digest('base64url')
  return `${unsigned}.${signature}`
}
