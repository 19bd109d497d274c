import { createHash } from 'node:crypto'

/** Prefix of every signaling room id. */
export const ROOM_ID_PREFIX = 'rm_'

/**
 * The signaling room id of an app room name: `rm_` followed by the first 24 hexadecimal digits of
 * the SHA-256 of the name's UTF-8 bytes. The server half (`ensureRoom`) and the signaling server
 * (`room_id_get`, `join`) both use this function, so they agree without talking to each other.
 */
export function signalingRoomId(name: string): string {
  return ROOM_ID_PREFIX + createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 24)
}
