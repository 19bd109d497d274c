/**
 * Where the call server records which provider each live room is on, so that a room stays on its
 * provider when routing changes, and so that several app-server processes agree (with a shared store).
 */

/** What the server remembers about one live room. */
export interface RoomRecord {
  /** Provider id the room is live on. */
  provider: string
  providerRoomId: string
  /** ISO 8601 time the record was written. */
  createdAt: string
}

export interface RoomStore {
  get(room: string): Promise<RoomRecord | undefined>
  /**
   * Records `record` unless the room already has one; returns the record that wins
   * (the existing one if another process got there first).
   */
  setIfAbsent(room: string, record: RoomRecord): Promise<RoomRecord>
  delete(room: string): Promise<void>
  /** Releases connections the store holds (optional). */
  close?(): Promise<void>
}

/** The default store: a Map in this process. */
export function createMemoryRoomStore(): RoomStore {
  const rooms = new Map<string, RoomRecord>()
  return {
    async get(room) {
      return rooms.get(room)
    },
    async setIfAbsent(room, record) {
      const existing = rooms.get(room)
      if (existing) return existing
      rooms.set(room, record)
      return record
    },
    async delete(room) {
      rooms.delete(room)
    },
  }
}
