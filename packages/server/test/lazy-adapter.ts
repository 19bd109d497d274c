import type { WebhookHandler } from '@callport/core'
import { expect } from 'vitest'
import { createCallServer, type RoomStore } from '../src/index'
import { alice, stubAdapter, type StubAdapter, type StubAdapterOptions } from './stub-adapter'

/**
 * A provider that creates its vendor room with the first token, as Kaleyra does: `ensureRoom` answers
 * the room name as providerRoomId (no vendor room yet); `issueToken` makes a vendor room (`newVendorRoom()`)
 * for a room whose providerRoomId is still its name, and reuses the vendor room it is given otherwise.
 * Like Kaleyra it cannot read rooms (no getRoom, listParticipants or closeRoom).
 */
export function lazyAdapter(provider: string, newVendorRoom: () => string, options: StubAdapterOptions = {}): StubAdapter {
  const adapter = stubAdapter(provider, { optionalMethods: false, ...options })
  const ensureRoom = adapter.ensureRoom.bind(adapter)
  const issueToken = adapter.issueToken.bind(adapter)
  adapter.ensureRoom = async (request) => ({ ...(await ensureRoom(request)), providerRoomId: request.name })
  adapter.issueToken = async (request) => {
    const { room } = request
    return issueToken({ ...request, room: { ...room, providerRoomId: room.providerRoomId === room.name ? newVendorRoom() : room.providerRoomId } })
  }
  return adapter
}

/** Holds the first token request of each adapter until `count` of them are waiting, so their joins race. */
export function holdFirstTokens(adapters: StubAdapter[]): void {
  let arrived = 0
  let release: () => void = () => {}
  const everyone = new Promise<void>((resolve) => (release = resolve))
  for (const adapter of adapters) {
    const issueToken = adapter.issueToken.bind(adapter)
    let first = true
    adapter.issueToken = async (request) => {
      if (first) {
        first = false
        arrived += 1
        if (arrived === adapters.length) release()
        await everyone
      }
      return issueToken(request)
    }
  }
}

/** A webhook that trusts every delivery; the body is a JSON array of room-ended events `{id, room, roomId}`. */
export function roomEndedWebhook(provider: string): WebhookHandler {
  return {
    verify: () => true,
    parse(request) {
      const items = JSON.parse(request.body) as { id: string; room: string; roomId: string }[]
      return items.map((item) => ({
        id: item.id,
        type: 'room-ended' as const,
        provider,
        room: { name: item.room, providerRoomId: item.roomId },
        occurredAt: '2026-01-01T00:00:00.000Z',
        raw: item,
      }))
    },
  }
}

/**
 * Two call servers sharing `stores()` (one store each, same records) join the same new room at once on
 * a lazy provider whose two instances would each make their own vendor room: the compare-and-set lets
 * one write its vendor room back, and the other issues its token again for that room.
 */
export async function expectRacingJoinsToAgree(stores: () => RoomStore, room = 'contested'): Promise<void> {
  const first = lazyAdapter('lazy', () => 'vendor-of-first')
  const second = lazyAdapter('lazy', () => 'vendor-of-second')
  holdFirstTokens([first, second])
  const store = stores()
  const servers = [first, second].map((adapter, index) => createCallServer({ providers: [adapter], authorize: async () => alice, roomStore: index === 0 ? store : stores() }))
  const [one, two] = await Promise.all(servers.map((calls) => calls.join({ room, participant: alice })))
  const winner = (await store.get(room))?.providerRoomId
  expect(['vendor-of-first', 'vendor-of-second']).toContain(winner)
  expect([one?.token.providerRoomId, two?.token.providerRoomId]).toEqual([winner, winner])
  expect([one?.room.providerRoomId, two?.room.providerRoomId]).toEqual([winner, winner])
  // The loser issued a second token, for the winner's vendor room.
  const loser = winner === 'vendor-of-first' ? second : first
  expect(loser.issued.map(({ token }) => token.providerRoomId)).toEqual([winner === 'vendor-of-first' ? 'vendor-of-second' : 'vendor-of-first', winner])
  expect((winner === 'vendor-of-first' ? first : second).issued).toHaveLength(1)
}
