import { createHmac } from 'node:crypto'
import * as z from 'zod/mini'

/**
 * The Vidyo.io provision token, as Vidyo's own generators build it:
 * `base64("provision" \0 userName@appId \0 expires \0 vCard \0 mac)`, where `expires` counts seconds
 * from year 0 and `mac` is the lower-case hex HMAC-SHA384 of everything before the last NUL.
 */

/** Seconds from 0000-01-01T00:00:00Z to the Unix epoch: Vidyo counts expiry from year 0. */
export const YEAR_ZERO_TO_UNIX_EPOCH_SECONDS = 62_167_219_200
export const TOKEN_TYPE = 'provision'
/** HMAC-SHA384 is 48 bytes: 96 hex characters. */
export const MAC_HEX_LENGTH = 96
/** The latest expiry a token may carry, 9999-12-31T23:59:59Z, in Unix seconds. */
export const LATEST_EXPIRY_UNIX_SECONDS = 253_402_300_799
export const FIELD_SEPARATOR = '\0'

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Text that survives UTF-8 encoding unchanged and cannot break the NUL-separated layout. */
const tokenText = (what: string) =>
  z.string().check(
    z.regex(/^[^\0]*$/, `${what} must not contain NUL characters`),
    z.refine((value) => !loneSurrogate.test(value), `${what} must be well-formed Unicode`),
  )

/**
 * The user part of the token's `userName@appId`: Vidyo.io accepts letters and digits only ("cannot
 * contain any spaces or special characters", Vidyo's "Generate a Token" help page).
 */
export const UserNameSchema = tokenText('User name').check(
  z.minLength(1, 'User name must not be empty'),
  z.regex(/^[^@]*$/, 'User name must not contain "@"'),
  z.regex(/^[A-Za-z0-9]*$/, 'User name must be letters and digits only (A-Z, a-z, 0-9): Vidyo refuses spaces and special characters'),
)

/** A Vidyo.io application id (for example `abc123.vidyo.io`): not empty, no `@`, no NUL. */
export const AppIdSchema = tokenText('Application id').check(z.minLength(1, 'Application id must not be empty'), z.regex(/^[^@]*$/, 'Application id must not contain "@"'))

export const VCardSchema = tokenText('vCard')

export const DeveloperKeySchema = z.string().check(z.minLength(1, 'Developer key must not be empty'))

/** HMAC-SHA384 of `payload` keyed with the developer key as UTF-8 text. */
export function vidyoMac(developerKey: string, payload: Uint8Array): Buffer {
  return createHmac('sha384', Buffer.from(developerKey, 'utf8')).update(payload).digest()
}

/** The current time as callers may give it: a Date or milliseconds since the epoch. */
export const NowSchema = z.union([z.date(), z.number().check(z.nonnegative())])

/** Milliseconds since the epoch of a Date, an ISO 8601 string or a number of milliseconds. */
export function millisecondsOf(instant: Date | string | number): number {
  return instant instanceof Date ? instant.getTime() : typeof instant === 'string' ? Date.parse(instant) : instant
}
