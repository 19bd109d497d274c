/**
 * Kaleyra generates room ids itself, when a room is created with its first participant. Until then
 * a Callport room's `providerRoomId` is a placeholder that says "no Kaleyra room yet":
 * `pending:<Callport room name>` (for example `pending:standup`). Kaleyra's own ids never contain
 * `:`. The placeholder is stable for a name and distinct for distinct names, which is what
 * `ensureRoom` promises; `issueToken` replaces it with the real id in the token's `providerRoomId`.
 */
export const PENDING_ROOM_PREFIX = 'pending:'

/** The placeholder `providerRoomId` of the Callport room `name`. */
export function pendingRoomId(name: string): string {
  return `${PENDING_ROOM_PREFIX}${name}`
}

/** True when `providerRoomId` is a placeholder: no Kaleyra room has been created for it yet. */
export function isPendingRoomId(providerRoomId: string): boolean {
  return providerRoomId.startsWith(PENDING_ROOM_PREFIX)
}
