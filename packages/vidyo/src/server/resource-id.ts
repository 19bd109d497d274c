import { CallportError, RoomNameSchema } from '@callport/core'
import { parseInput } from '@callport/provider-utils'
import { decodeAlphanumeric, encodeAlphanumeric } from '../shared/alphanumeric-code'
import { VIDYO_PROVIDER } from '../shared/provider-id'

/**
 * Room name → Vidyo resourceId. Vidyo accepts alphanumeric resource ids, so the name is written
 * with the injective, invertible code of `../shared/alphanumeric-code.ts` (`daily-standup` →
 * `dailyZhstandup`; names made of letters and digits without `Z` pass through unchanged).
 */

/** The Vidyo resourceId of a Callport room name. Throws INVALID_INPUT for an invalid name. */
export function vidyoResourceIdOf(roomName: string): string {
  const name = parseInput(RoomNameSchema, roomName, { subject: 'Invalid room name', provider: VIDYO_PROVIDER })
  return encodeAlphanumeric(name)
}

/** The room name a resourceId was made from; the inverse of `vidyoResourceIdOf`. Throws INVALID_INPUT otherwise. */
export function roomNameOfVidyoResourceId(resourceId: string): string {
  const name = decodeAlphanumeric(resourceId)
  // Only canonical ids of valid names decode: this refuses e.g. `Zx0041` for `A` or a name outside RoomNameSchema.
  if (name === undefined || !RoomNameSchema.safeParse(name).success) {
    throw new CallportError('INVALID_INPUT', `"${resourceId}" is not a resourceId that vidyoResourceIdOf produces`, { provider: VIDYO_PROVIDER })
  }
  return name
}
