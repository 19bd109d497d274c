import { CallportError } from '@callport/core'
import { KALEYRA_PROVIDER } from '../shared/provider-id'

/** Kaleyra's rule for a user id: letters, digits, `.`, `_` and `-`, at most 128 characters. */
export const KALEYRA_USER_ID_PATTERN = /^[a-zA-Z0-9._-]{1,128}$/

/** True when `identity` can be used as a Kaleyra user id as it is. */
export function isKaleyraUserId(identity: string): boolean {
  return KALEYRA_USER_ID_PATTERN.test(identity)
}

/** Throws INVALID_INPUT, before any request, when `identity` breaks Kaleyra's user id rule. */
export function assertKaleyraUserId(identity: string): void {
  if (!isKaleyraUserId(identity)) {
    throw new CallportError('INVALID_INPUT', 'A Kaleyra user id may contain only letters, digits, ".", "_" and "-", and be at most 128 characters long', {
      provider: KALEYRA_PROVIDER,
      details: { identity },
    })
  }
}
