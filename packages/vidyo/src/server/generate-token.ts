import { CallportError } from '@callport/core'
import { parseInput } from '@callport/provider-utils'
import * as z from 'zod/mini'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import {
  AppIdSchema,
  DeveloperKeySchema,
  FIELD_SEPARATOR,
  LATEST_EXPIRY_UNIX_SECONDS,
  NowSchema,
  TOKEN_TYPE,
  UserNameSchema,
  VCardSchema,
  YEAR_ZERO_TO_UNIX_EPOCH_SECONDS,
  millisecondsOf,
  vidyoMac,
} from './token-format'

export interface GenerateVidyoTokenOptions {
  /** The application's developer key (the HMAC key). */
  developerKey: string
  /** The Vidyo.io application id, for example `abc123.vidyo.io`. */
  appId: string
  /** Who the token is for; becomes `userName@appId`. Letters and digits only, as Vidyo requires (see `vidyoUserNameOf`). */
  userName: string
  /** Lifetime in whole seconds from `now`. Give this or `expiresAt`. */
  expiresInSeconds?: number
  /** Expiry instant (a Date or an ISO 8601 string); sub-second parts are dropped. Give this or `expiresInSeconds`. */
  expiresAt?: Date | string
  /** Optional vCard XML carried in the token. */
  vCard?: string
  /** The current time (a Date or milliseconds since the epoch); defaults to now. */
  now?: Date | number
}

const InstantSchema = z.union([z.date(), z.iso.datetime({ offset: true })])

const GenerateOptionsSchema = z.object({
  developerKey: DeveloperKeySchema,
  appId: AppIdSchema,
  userName: UserNameSchema,
  expiresInSeconds: z.optional(z.int().check(z.minimum(1, 'Lifetime must be at least 1 second'))),
  expiresAt: z.optional(InstantSchema),
  vCard: z.optional(VCardSchema),
  now: z.optional(NowSchema),
})

/**
 * Generates a Vidyo.io provision token exactly as Vidyo's reference generators do: HMAC-SHA384 of
 * `"provision" \0 userName@appId \0 expires \0 vCard` with the developer key, hex-encoded, appended
 * after a NUL, and the whole base64-encoded. `expires` counts seconds from year 0.
 *
 * Throws `INVALID_INPUT` (before signing anything) for a user name that is empty or not only letters
 * and digits (Vidyo refuses such a token), an app id containing `@` or NUL, or an expiry that is not
 * after `now` or lies beyond the year 9999.
 */
export function generateVidyoToken(options: GenerateVidyoTokenOptions): string {
  const input = parseInput(GenerateOptionsSchema, options, { subject: 'Invalid Vidyo token options', provider: VIDYO_PROVIDER })
  if ((input.expiresInSeconds === undefined) === (input.expiresAt === undefined)) {
    throw new CallportError('INVALID_INPUT', 'Invalid Vidyo token options: give exactly one of expiresInSeconds and expiresAt', {
      provider: VIDYO_PROVIDER,
    })
  }
  const nowSeconds = Math.floor(millisecondsOf(input.now ?? Date.now()) / 1000)
  const expiresUnixSeconds = input.expiresAt === undefined ? nowSeconds + (input.expiresInSeconds ?? 0) : Math.floor(millisecondsOf(input.expiresAt) / 1000)
  if (!(expiresUnixSeconds > nowSeconds && expiresUnixSeconds <= LATEST_EXPIRY_UNIX_SECONDS)) {
    throw new CallportError('INVALID_INPUT', 'Invalid Vidyo token options: the expiry must be after now and no later than the year 9999', {
      provider: VIDYO_PROVIDER,
    })
  }
  const expires = String(expiresUnixSeconds + YEAR_ZERO_TO_UNIX_EPOCH_SECONDS)
  const payload = [TOKEN_TYPE, `${input.userName}@${input.appId}`, expires, input.vCard ?? ''].join(FIELD_SEPARATOR)
  const mac = vidyoMac(input.developerKey, Buffer.from(payload, 'utf8')).toString('hex')
  return Buffer.from(`${payload}${FIELD_SEPARATOR}${mac}`, 'utf8').toString('base64')
}
