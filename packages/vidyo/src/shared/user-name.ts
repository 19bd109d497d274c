import { decodeAlphanumeric, encodeAlphanumeric } from './alphanumeric-code'

/**
 * Identity ↔ the user name in a Vidyo token (`userName@appId`). Vidyo.io requires an alphanumeric
 * user name ("cannot contain any spaces or special characters"), while a Callport identity may be
 * `alice.smith`, `Alice Smith`, a UUID, an e-mail address or `zoë`. The identity is written with
 * the same injective, invertible code as room names (`alice.smith` → `aliceZdsmith`,
 * `zoë` → `zoZx00eb`); identities of letters and digits without `Z` stay as they are.
 */

/** The Vidyo user name of a Callport identity. */
export function vidyoUserNameOf(identity: string): string {
  return encodeAlphanumeric(identity)
}

/**
 * The identity a Vidyo user name was made from, or the user name itself when `vidyoUserNameOf`
 * never produces it (a user whose token another system issued).
 */
export function identityOfVidyoUserName(userName: string): string {
  const identity = decodeAlphanumeric(userName)
  return identity === undefined || identity === '' ? userName : identity
}
