import { CallportError, throwIfAborted, type Participant, type Room, type ServerAdapter } from '@callport/core'
import { callAdapter } from './call-adapter'
import type { Logger } from './logger'
import { expiryOf, isExpired, sameRoom, type RoomRecord, type RoomStore } from './room-store'
import type { RouteFunction } from './routing'

/** A room that is live, with the adapter of its provider. */
export interface LiveRoom {
  room: Room
  adapter: ServerAdapter
  /** The room's record in the store, as last read or written here (absent for a room the store does not know). */
  record?: RoomRecord | undefined
}

/** A room with its record. */
export interface RecordedRoom extends LiveRoom {
  record: RoomRecord
}

/** Where a room ended up, and how. */
export interface Placement extends RecordedRoom {
  /** True when this call made the room live (it had no record before). */
  created: boolean
  /** Providers that failed with a retryable error before `adapter` served the room, in the order tried. */
  failoverFrom: string[]
}

export interface RoomPlacementSettings {
  adapters: ReadonlyMap<string, ServerAdapter>
  route: RouteFunction
  store: RoomStore
  /** How long a record lives after it is written or last refreshed by a join, in seconds. */
  idleSeconds: number
  /** Where vendor faults are logged. */
  logger?: Logger | undefined
}

export interface RoomPlacement {
  /**
   * Makes a room live: a recorded room is taken from its record (no vendor request); a new one goes on
   * the routed provider, failing over to the next configured providers (in order) on retryable errors.
   */
  place(name: string, participant: Participant | undefined, signal?: AbortSignal): Promise<Placement>
  /** Makes a room live on one given provider, without routing or failover; CONFLICT when it is live elsewhere. */
  placeOn(adapter: ServerAdapter, name: string, signal?: AbortSignal): Promise<Placement>
  /** The room if it is live (recorded, and present on its provider when the provider can say), else null. */
  live(name: string, signal?: AbortSignal): Promise<LiveRoom | null>
  /** Closes the room on its provider (when the provider can) and deletes its record. */
  close(name: string, signal?: AbortSignal): Promise<void>
  /**
   * Compare-and-set of the room's record (`RoomStore.replace`) from `expected` to `next` with a fresh
   * expiry; the room as the winning record has it.
   */
  rewrite(name: string, expected: RoomRecord, next: Omit<RoomRecord, 'expiresAt'>): Promise<RecordedRoom>
  /** Creates the room again on its recorded provider (its vendor room is gone) and rewrites its record. */
  recreate(name: string, expected: RoomRecord, signal?: AbortSignal): Promise<RecordedRoom>
}

function roomOfRecord(name: string, record: RoomRecord): Room {
  return { name, provider: record.provider, providerRoomId: record.providerRoomId, createdAt: record.createdAt }
}

/** A join refreshes a record's expiry once at least this share of the idle time has passed since it was set. */
const REFRESH_AFTER_SHARE = 0.1

/** Room placement: stickiness through the room store, routing for new rooms, failover. */
export function createRoomPlacement({ adapters, route, store, idleSeconds, logger }: RoomPlacementSettings): RoomPlacement {
  function ensureOn(adapter: ServerAdapter, name: string, signal: AbortSignal | undefined): Promise<Room> {
    return callAdapter(adapter, () => adapter.ensureRoom({ name, signal }), { operation: 'ensureRoom', room: name, logger })
  }

  const idleMilliseconds = idleSeconds * 1000
  const expiresAt = (): string => new Date(Date.now() + idleMilliseconds).toISOString()

  function adapterOf(name: string, record: RoomRecord): ServerAdapter {
    const adapter = adapters.get(record.provider)
    if (adapter) return adapter
    throw new CallportError('PROVIDER_UNAVAILABLE', `Room "${name}" is live on provider "${record.provider}", which this server is not configured with`, {
      provider: record.provider,
      retryable: false,
    })
  }

  function recorded(name: string, record: RoomRecord): RecordedRoom {
    return { room: roomOfRecord(name, record), adapter: adapterOf(name, record), record }
  }

  /** The room's record, unless it is absent or expired (a store that does not prune them still works). */
  async function current(name: string): Promise<RoomRecord | undefined> {
    const record = await store.get(name)
    return record && !isExpired(record) ? record : undefined
  }

  /**
   * A live room from its record, with no vendor request; pushes the record's expiry back when it is
   * due. Synchronous on the usual path (a join of a live room), asynchronous only to write the record.
   */
  function existing(name: string, record: RoomRecord): Placement | Promise<Placement> {
    const remaining = record.expiresAt === undefined ? 0 : expiryOf(record) - Date.now()
    if (remaining >= idleMilliseconds * (1 - REFRESH_AFTER_SHARE)) return placed(name, record)
    return store.replace(name, record, { ...record, expiresAt: expiresAt() }).then((used) => placed(name, used))
  }

  function placed(name: string, record: RoomRecord): Placement {
    return { room: roomOfRecord(name, record), adapter: adapterOf(name, record), record, created: false, failoverFrom: [] }
  }

  /** Records the room as live on `adapter`, unless another process recorded it first. */
  async function record(adapter: ServerAdapter, room: Room, failoverFrom: string[]): Promise<Placement> {
    const candidate: RoomRecord = { provider: adapter.provider, providerRoomId: room.providerRoomId, createdAt: new Date().toISOString(), expiresAt: expiresAt() }
    const winner = await store.setIfAbsent(room.name, candidate)
    if (!sameRoom(winner, candidate)) return existing(room.name, winner)
    return { room, adapter, record: winner, created: true, failoverFrom }
  }

  async function routed(name: string, participant: Participant | undefined): Promise<ServerAdapter> {
    const provider = await route({ room: name, participant })
    const adapter = typeof provider === 'string' ? adapters.get(provider) : undefined
    if (adapter) return adapter
    throw new CallportError('INTERNAL', `route chose provider ${JSON.stringify(provider)} for room "${name}", which is not configured`)
  }

  const placement: RoomPlacement = {
    async place(name, participant, signal) {
      throwIfAborted(signal)
      const recordNow = await current(name)
      if (recordNow) return existing(name, recordNow)
      const first = await routed(name, participant)
      const candidates = [first, ...[...adapters.values()].filter((adapter) => adapter !== first)]
      const failoverFrom: string[] = []
      let firstFailure: CallportError | undefined
      for (const adapter of candidates) {
        throwIfAborted(signal)
        let room: Room
        try {
          room = await ensureOn(adapter, name, signal)
        } catch (error) {
          const failure = error as CallportError
          if (!failure.retryable || failure.code === 'ABORTED') throw failure
          firstFailure ??= failure
          failoverFrom.push(adapter.provider)
          continue
        }
        return record(adapter, room, failoverFrom)
      }
      throw firstFailure ?? new CallportError('INTERNAL', `no provider could place room "${name}"`)
    },

    async placeOn(adapter, name, signal) {
      throwIfAborted(signal)
      const recordNow = await current(name)
      const placed = recordNow ? await existing(name, recordNow) : await record(adapter, await ensureOn(adapter, name, signal), [])
      if (placed.adapter !== adapter) {
        throw new CallportError('CONFLICT', `Room "${name}" is live on provider "${placed.adapter.provider}", not "${adapter.provider}"`, {
          provider: adapter.provider,
          retryable: false,
        })
      }
      return placed
    },

    async live(name, signal) {
      throwIfAborted(signal)
      const recordNow = await current(name)
      if (!recordNow) return null
      const adapter = adapterOf(name, recordNow)
      if (!adapter.getRoom) return { room: roomOfRecord(name, recordNow), adapter, record: recordNow }
      const getRoom = adapter.getRoom.bind(adapter)
      const room = await callAdapter(adapter, () => getRoom({ name, signal }), { operation: 'getRoom', room: name, logger })
      return room ? { room, adapter, record: recordNow } : null
    },

    async close(name, signal) {
      throwIfAborted(signal)
      const recordNow = await current(name)
      if (!recordNow) throw new CallportError('ROOM_NOT_FOUND', `Room "${name}" is not live`)
      const adapter = adapterOf(name, recordNow)
      if (adapter.closeRoom) {
        const closeRoom = adapter.closeRoom.bind(adapter)
        await callAdapter(adapter, () => closeRoom({ room: roomOfRecord(name, recordNow), signal }), { operation: 'closeRoom', room: name, logger })
      }
      await store.delete(name)
    },

    async rewrite(name, expected, next) {
      return recorded(name, await store.replace(name, expected, { ...next, expiresAt: expiresAt() }))
    },

    async recreate(name, expected, signal) {
      throwIfAborted(signal)
      const adapter = adapterOf(name, expected)
      const room = await ensureOn(adapter, name, signal)
      return placement.rewrite(name, expected, { provider: adapter.provider, providerRoomId: room.providerRoomId, createdAt: new Date().toISOString() })
    },
  }
  return placement
}
