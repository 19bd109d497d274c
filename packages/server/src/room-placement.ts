import { CallportError, throwIfAborted, type Participant, type Room, type ServerAdapter } from '@callport/core'
import { callAdapter } from './call-adapter'
import type { RoomRecord, RoomStore } from './room-store'
import type { RouteFunction } from './routing'

/** Where a room ended up, and how. */
export interface Placement {
  room: Room
  adapter: ServerAdapter
  /** True when this call made the room live (it had no record before). */
  created: boolean
  /** Providers that failed with a retryable error before `adapter` served the room, in the order tried. */
  failoverFrom: string[]
}

/** A room that is live, with the adapter of its provider. */
export interface LiveRoom {
  room: Room
  adapter: ServerAdapter
}

export interface RoomPlacementSettings {
  adapters: ReadonlyMap<string, ServerAdapter>
  route: RouteFunction
  store: RoomStore
}

export interface RoomPlacement {
  /**
   * Makes a room live: on its recorded provider when it already is, else on the routed provider,
   * failing over to the next configured providers (in order) on retryable errors.
   */
  place(name: string, participant: Participant | undefined, signal?: AbortSignal): Promise<Placement>
  /** Makes a room live on one given provider, without routing or failover. */
  placeOn(adapter: ServerAdapter, name: string, signal?: AbortSignal): Promise<Placement>
  /** The room if it is live (recorded, and present on its provider when the provider can say), else null. */
  live(name: string, signal?: AbortSignal): Promise<LiveRoom | null>
  /** Closes the room on its provider (when the provider can) and deletes its record. */
  close(name: string, signal?: AbortSignal): Promise<void>
}

function roomOfRecord(name: string, record: RoomRecord): Room {
  return { name, provider: record.provider, providerRoomId: record.providerRoomId, createdAt: record.createdAt }
}

function ensureOn(adapter: ServerAdapter, name: string, signal: AbortSignal | undefined): Promise<Room> {
  return callAdapter(adapter, () => adapter.ensureRoom({ name, signal }))
}

/** Room placement: stickiness through the room store, routing for new rooms, failover. */
export function createRoomPlacement({ adapters, route, store }: RoomPlacementSettings): RoomPlacement {
  function adapterOf(name: string, record: RoomRecord): ServerAdapter {
    const adapter = adapters.get(record.provider)
    if (adapter) return adapter
    throw new CallportError(
      'PROVIDER_UNAVAILABLE',
      `Room "${name}" is live on provider "${record.provider}", which this server is not configured with`,
      { provider: record.provider, retryable: false },
    )
  }

  async function existing(name: string, record: RoomRecord, signal: AbortSignal | undefined): Promise<Placement> {
    const adapter = adapterOf(name, record)
    return { room: await ensureOn(adapter, name, signal), adapter, created: false, failoverFrom: [] }
  }

  /** Records the room as live on `adapter`, unless another process recorded it first. */
  async function record(adapter: ServerAdapter, room: Room, failoverFrom: string[], signal: AbortSignal | undefined): Promise<Placement> {
    const candidate: RoomRecord = { provider: adapter.provider, providerRoomId: room.providerRoomId, createdAt: new Date().toISOString() }
    const winner = await store.setIfAbsent(room.name, candidate)
    if (winner.provider !== adapter.provider) return existing(room.name, winner, signal)
    return { room, adapter, created: winner.createdAt === candidate.createdAt, failoverFrom }
  }

  async function routed(name: string, participant: Participant | undefined): Promise<ServerAdapter> {
    const provider = await route({ room: name, participant })
    const adapter = typeof provider === 'string' ? adapters.get(provider) : undefined
    if (adapter) return adapter
    throw new CallportError('INTERNAL', `route chose provider ${JSON.stringify(provider)} for room "${name}", which is not configured`)
  }

  return {
    async place(name, participant, signal) {
      throwIfAborted(signal)
      const current = await store.get(name)
      if (current) return existing(name, current, signal)
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
        return record(adapter, room, failoverFrom, signal)
      }
      throw firstFailure
    },

    async placeOn(adapter, name, signal) {
      throwIfAborted(signal)
      const current = await store.get(name)
      const placement = current ? await existing(name, current, signal) : await record(adapter, await ensureOn(adapter, name, signal), [], signal)
      if (placement.adapter !== adapter) {
        throw new CallportError('CONFLICT', `Room "${name}" is live on provider "${placement.adapter.provider}", not "${adapter.provider}"`, {
          provider: adapter.provider,
          retryable: false,
        })
      }
      return placement
    },

    async live(name, signal) {
      throwIfAborted(signal)
      const current = await store.get(name)
      if (!current) return null
      const adapter = adapterOf(name, current)
      if (!adapter.getRoom) return { room: roomOfRecord(name, current), adapter }
      const getRoom = adapter.getRoom.bind(adapter)
      const room = await callAdapter(adapter, () => getRoom({ name, signal }))
      return room ? { room, adapter } : null
    },

    async close(name, signal) {
      throwIfAborted(signal)
      const current = await store.get(name)
      if (!current) throw new CallportError('ROOM_NOT_FOUND', `Room "${name}" is not live`)
      const adapter = adapterOf(name, current)
      if (adapter.closeRoom) {
        const closeRoom = adapter.closeRoom.bind(adapter)
        await callAdapter(adapter, () => closeRoom({ room: roomOfRecord(name, current), signal }))
      }
      await store.delete(name)
    },
  }
}
