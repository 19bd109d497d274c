import { timingSafeEqual } from 'node:crypto'
import { CallportError } from '@callport/core'
import { parseInput } from '@callport/provider-utils'
import * as z from 'zod/mini'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import { DeveloperKeySchema, MAC_HEX_LENGTH, NowSchema, TOKEN_TYPE, YEAR_ZERO_TO_UNIX_EPOCH_SECONDS, millisecondsOf, vidyoMac } from './token-format'

export interface VerifyVidyoTokenOptions {
  /** The developer key the token must be signed with. */
  developerKey: string
  /** When given, the token must have been issued for this application id. */
  appId?: string
  /** The current time (a Date or milliseconds since the epoch); defaults to now. */
  now?: Date | number
}

/** What a valid Vidyo.io provision token says. */
export interface VerifiedVidyoToken {
  userName: string
  appId: string
  expiresAt: Date
  vCard: string
}

const VerifyOptionsSchema = z.object({
  developerKey: DeveloperKeySchema,
  appId: z.optional(z.string()),
  now: z.optional(NowSchema),
})

const canonicalBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const lowerHex = new RegExp(`^[0-9a-f]{${MAC_HEX_LENGTH}}$`)
const decimal = /^[0-9]{1,15}$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

const refuse = (message: string): CallportError => new CallportError('UNAUTHORIZED', message, { provider: VIDYO_PROVIDER })

function splitOnNul(bytes: Buffer): Buffer[] {
  const fields: Buffer[] = []
  let start = 0
  for (let index = bytes.indexOf(0); index !== -1; index = bytes.indexOf(0, start)) {
    fields.push(bytes.subarray(start, index))
    start = index + 1
  }
  fields.push(bytes.subarray(start))
  return fields
}

function decodeText(bytes: Buffer): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw refuse('Malformed Vidyo token: a field is not UTF-8')
  }
}

/**
 * Parses and checks a Vidyo.io provision token: canonical base64, exactly five NUL-separated fields
 * (`provision`, `userName@appId`, expiry, vCard, 96-hex HMAC-SHA384), the HMAC compared in constant
 * time, then the application id and the expiry.
 *
 * Throws `UNAUTHORIZED` for a malformed, tampered or foreign token and `TOKEN_EXPIRED` once its expiry
 * has passed; `INVALID_INPUT` for bad options.
 */
export function verifyVidyoToken(token: string, options: VerifyVidyoTokenOptions): VerifiedVidyoToken {
  const input = parseInput(VerifyOptionsSchema, options, { subject: 'Invalid Vidyo token verification options', provider: VIDYO_PROVIDER })
  if (typeof token !== 'string' || token.length === 0 || !canonicalBase64.test(token)) {
    throw refuse('Malformed Vidyo token: not canonical base64')
  }
  const bytes = Buffer.from(token, 'base64')
  if (bytes.toString('base64') !== token) throw refuse('Malformed Vidyo token: not canonical base64')
  const fields = splitOnNul(bytes)
  if (fields.length !== 5) throw refuse(`Malformed Vidyo token: expected 5 fields, found ${fields.length}`)
  const [typeBytes, jidBytes, expiresBytes, vCardBytes, macBytes] = fields as [Buffer, Buffer, Buffer, Buffer, Buffer]

  const mac = macBytes.toString('latin1')
  if (!lowerHex.test(mac)) throw refuse(`Malformed Vidyo token: the MAC must be ${MAC_HEX_LENGTH} lower-case hex characters`)
  const signed = bytes.subarray(0, bytes.length - macBytes.length - 1)
  const expected = vidyoMac(input.developerKey, signed)
  if (!timingSafeEqual(Buffer.from(mac, 'hex'), expected)) throw refuse('Vidyo token signature is invalid')

  if (decodeText(typeBytes) !== TOKEN_TYPE) throw refuse(`Vidyo token type must be "${TOKEN_TYPE}"`)
  const jid = decodeText(jidBytes)
  const at = jid.indexOf('@')
  if (at < 1 || at === jid.length - 1) throw refuse('Malformed Vidyo token: the user must be userName@appId')
  const appId = jid.slice(at + 1)
  if (input.appId !== undefined && appId !== input.appId) throw refuse('Vidyo token was issued for another application')
  const expires = decodeText(expiresBytes)
  if (!decimal.test(expires)) throw refuse('Malformed Vidyo token: the expiry must be decimal seconds')

  const expiresUnixSeconds = Number(expires) - YEAR_ZERO_TO_UNIX_EPOCH_SECONDS
  if (expiresUnixSeconds <= Math.floor(millisecondsOf(input.now ?? Date.now()) / 1000)) {
    throw new CallportError('TOKEN_EXPIRED', 'Vidyo token has expired', { provider: VIDYO_PROVIDER })
  }
  return { userName: jid.slice(0, at), appId, expiresAt: new Date(expiresUnixSeconds * 1000), vCard: decodeText(vCardBytes) }
}
