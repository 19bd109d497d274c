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
  /**
   * ISO 8601 time after which the record counts as absent (the room is then placed anew). The call
   * server sets it from its `roomIdleSeconds` option and pushes it back as joins use the record.
   * Absent: the record does not expire (records written by older versions).
   */
  expiresAt?: string
}

export interface RoomStore {
  /** The room's record; undefined when there is none or it has expired. */
  get(room: string): Promise<RoomRecord | undefined>
  /**
   * Records `record` unless the room already has one (that has not expired); returns the record that
   * wins (the existing one if another process got there first).
   */
  setIfAbsent(room: string, record: RoomRecord): Promise<RoomRecord>
  /**
   * Compare-and-set: replaces the room's record by `next` when it is still `expected` (same provider,
   * providerRoomId and createdAt; `expiresAt` is not compared) or when the room has no record (or an
   * expired one); returns the record that wins: `next`, or the one another process wrote instead.
   */
  replace(room: string, expected: RoomRecord, next: RoomRecord): Promise<RoomRecord>
  delete(room: string): Promise<void>
  /** Releases connections the store holds (optional). */
  close?(): Promise<void>
}

/**
 * True when `record` has expired at `now` (epoch milliseconds).
 * @internal
 */
const parsedExpiries = new WeakMap<RoomRecord, number>()

/**
 * When the record expires, in epoch milliseconds (Infinity without `expiresAt`). Parsed once per
 * record object: a join reads it several times, and the memory store hands out the same object.
 */
export function expiryOf(record: RoomRecord): number {
  if (record.expiresAt === undefined) return Number.POSITIVE_INFINITY
  let parsed = parsedExpiries.get(record)
  if (parsed === undefined) {
    parsed = Date.parse(record.expiresAt)
    parsedExpiries.set(record, parsed)
  }
  return parsed
}

export function isExpired(record: RoomRecord, now = Date.now()): boolean {
  return expiryOf(record) <= now
}

/**
 * True when two records are about the same room incarnation (what `replace` compares).
 * @internal
 */
export function sameRoom(a: RoomRecord, b: RoomRecord): boolean {
  return a.provider === b.provider && a.providerRoomId === b.providerRoomId && a.createdAt === b.createdAt
}

/** How often, at most, the memory store sweeps expired records out on a write. */
const SWEEP_INTERVAL_MILLISECONDS = 60_000

/**
 * The default store: a Map in this process. Expired records are dropped when read, and swept out on
 * writes (at most once a minute), so rooms nobody joins again do not pile up.
 */
export function createMemoryRoomStore(): RoomStore {
  const rooms = new Map<string, RoomRecord>()
  let nextSweep = 0

  function current(room: string): RoomRecord | undefined {
    const record = rooms.get(room)
    if (record && isExpired(record)) {
      rooms.delete(room)
      return undefined
    }
    return record
  }

  function sweep(): void {
    const now = Date.now()
    if (now < nextSweep) return
    nextSweep = now + SWEEP_INTERVAL_MILLISECONDS
    for (const [room, record] of rooms) if (isExpired(record, now)) rooms.delete(room)
  }

  return {
    async get(room) {
      return current(room)
    },
    async setIfAbsent(room, record) {
      sweep()
      const existing = current(room)
      if (existing) return existing
      rooms.set(room, record)
      return record
    },
    async replace(room, expected, next) {
      sweep()
      const existing = current(room)
      if (existing && !sameRoom(existing, expected)) return existing
      rooms.set(room, next)
      return next
    },
    async delete(room) {
      rooms.delete(room)
    },
  }
}
