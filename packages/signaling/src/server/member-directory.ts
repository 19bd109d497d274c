import type { Member } from '../shared/protocol'

/**
 * Who is in which room. One process keeps it in memory; several processes share it in Redis
 * (`createRedisMemberDirectory`), which also reports the members of processes that died.
 */
export interface MemberDirectory {
  /** Adds (or replaces) a member and returns the room's other members. */
  add(roomId: string, member: Member): Promise<Member[]>
  /** Replaces a member's description if it is still in the room. */
  update(roomId: string, member: Member): Promise<void>
  /** Removes a member; true when this call removed it (false when it was already gone). */
  remove(roomId: string, memberId: string): Promise<boolean>
  has(roomId: string, memberId: string): Promise<boolean>
  list(roomId: string): Promise<Member[]>
  close(): Promise<void>
}

/** The directory of a single server process. */
export function createMemoryMemberDirectory(): MemberDirectory {
  const rooms = new Map<string, Map<string, Member>>()
  const others = (roomId: string, memberId?: string): Member[] => [...(rooms.get(roomId)?.values() ?? [])].filter((member) => member.id !== memberId)

  return {
    async add(roomId, member) {
      let room = rooms.get(roomId)
      if (!room) rooms.set(roomId, (room = new Map()))
      const existing = others(roomId, member.id)
      room.set(member.id, member)
      return existing
    },
    async update(roomId, member) {
      const room = rooms.get(roomId)
      if (room?.has(member.id)) room.set(member.id, member)
    },
    async remove(roomId, memberId) {
      const room = rooms.get(roomId)
      const removed = room?.delete(memberId) ?? false
      if (room?.size === 0) rooms.delete(roomId)
      return removed
    },
    async has(roomId, memberId) {
      return rooms.get(roomId)?.has(memberId) ?? false
    },
    async list(roomId) {
      return others(roomId)
    },
    async close() {
      rooms.clear()
    },
  }
}
