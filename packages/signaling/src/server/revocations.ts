/** How long a removal is remembered: the longest token lifetime the server half issues (one day). */
const REMEMBERED_MILLISECONDS = 86_400_000

/**
 * Removals by moderators: a credential for that identity in that room issued at or before the removal
 * is refused, so that a removed member cannot connect again with the token it holds (the app decides
 * whether to issue it a new one). Kept in this process's memory for a day; with Redis scale-out every
 * process is told (`serverSideEmit`), so a process started after a removal does not know of it.
 */
export interface Revocations {
  revoke(roomId: string, identity: string, at: number): void
  /** True when a credential of `identity` for `roomId`, issued at `issuedAt` (epoch ms), was revoked. */
  isRevoked(roomId: string, identity: string, issuedAt: number): boolean
}

export function createRevocations(): Revocations {
  const removals = new Map<string, number>()
  const keyOf = (roomId: string, identity: string) => `${roomId}\n${identity}`
  return {
    revoke(roomId, identity, at) {
      const now = Date.now()
      for (const [key, time] of removals) if (time + REMEMBERED_MILLISECONDS < now) removals.delete(key)
      const key = keyOf(roomId, identity)
      removals.set(key, Math.max(removals.get(key) ?? 0, at))
    },
    isRevoked(roomId, identity, issuedAt) {
      const at = removals.get(keyOf(roomId, identity))
      // `iat` has whole seconds: a token of the removal's own second counts as older.
      return at !== undefined && issuedAt <= at
    },
  }
}
