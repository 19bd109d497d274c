/**
 * The join links of Kaleyra room members that this process has read in Kaleyra's answers (room
 * creation lists every member's link; adding a participant lists theirs). It is an optimisation,
 * not a registry: it is keyed by the Kaleyra room id, which the call server's room store decides, so
 * it can never make a second Kaleyra room for a Callport room; a link it lacks (another process
 * read it, or it was evicted) costs one idempotent "add participant" request that answers with it.
 * Bounded: the oldest rooms are forgotten first.
 */
export interface MemberLinks {
  /** The member's link, when this process has read it. */
  get(roomId: string, identity: string): string | undefined
  /** Remembers the links of an answer about `roomId`. */
  remember(roomId: string, links: ReadonlyMap<string, string>): void
  /** The members of `roomId` this process knows of (a lower bound of the room's members). */
  knownMembers(roomId: string): string[]
}

export function createMemberLinks(maximumRooms = 10_000): MemberLinks {
  const rooms = new Map<string, Map<string, string>>()
  return {
    get: (roomId, identity) => rooms.get(roomId)?.get(identity),
    remember(roomId, links) {
      const known = rooms.get(roomId) ?? new Map<string, string>()
      rooms.delete(roomId)
      for (const [identity, url] of links) known.set(identity, url)
      rooms.set(roomId, known)
      while (rooms.size > maximumRooms) rooms.delete(rooms.keys().next().value as string)
    },
    knownMembers: (roomId) => [...(rooms.get(roomId)?.keys() ?? [])],
  }
}
