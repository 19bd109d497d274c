import { io as connectSocket, type Socket } from 'socket.io-client'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MemberSchema } from '../../src/shared/protocol'
import { issueToken, recordEvents, request, useHarness } from './harness'

const harness = useHarness()
const opened: Socket[] = []
afterEach(() => {
  for (const socket of opened.splice(0)) socket.disconnect()
})

/** A socket as a browser opens it: long-polling first, then the upgrade to WebSocket. */
function openBrowserLikeSocket(url: string, username: string, token: string): Promise<Socket> {
  const socket = connectSocket(url, { query: { username, auth: JSON.stringify({ token }) }, transports: ['polling', 'websocket'], reconnection: false, forceNew: true })
  opened.push(socket)
  return new Promise((resolve, reject) => {
    socket.once('on_connection', () => resolve(socket))
    socket.once('connect_error', reject)
  })
}

const CONNECTIONS = 4
const RUNS = 5

describe('one identity joining a room over several connections at the same moment', () => {
  it('keeps exactly one of them in the room and tells every other one duplicate_identity', { timeout: 30_000 }, async () => {
    const { url } = await harness.startServer()
    for (let run = 0; run < RUNS; run++) {
      const room = `tabs-${run}`
      const observer = await harness.joinMember(url, { identity: 'observer', room })
      const token = await issueToken({ identity: 'bob', room })
      const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, () => openBrowserLikeSocket(url, 'bob', token)))
      const events = sockets.map((socket) => recordEvents(socket))
      const disconnected = sockets.map((socket) => new Promise<string>((resolve) => socket.once('disconnect', resolve)))
      // Every join at once; the kicked ones are never answered.
      for (const socket of sockets) socket.emit('request', { type: 'auth', command: { command: 'join', room_id: observer.roomId, props: {} } }, () => undefined)

      await vi.waitFor(() => expect(sockets.filter((socket) => socket.connected)).toHaveLength(1), { timeout: 10_000 })
      const survivor = sockets.find((socket) => socket.connected)!
      const roster = await request(observer.client, { type: 'auth', command: { command: 'join', room_id: observer.roomId } })
      const members = (roster.result as { members: unknown[] }).members.map((member) => MemberSchema.parse(member))
      expect(members.map(({ id, name }) => ({ id, name }))).toEqual([{ id: survivor.id, name: 'bob' }])

      const survivorIndex = sockets.indexOf(survivor)
      for (const [index, socket] of sockets.entries()) {
        if (index === survivorIndex) continue
        expect(await disconnected[index]).toBe('io server disconnect')
        expect(socket.connected).toBe(false)
        expect(events[index]!.filter(({ event }) => event === 'on_kick').map(({ parts }) => parts[0])).toEqual([{ reason: 'duplicate_identity', message: expect.any(String) }])
      }
      // The survivor still works: the observer reaches it.
      const received = new Promise<unknown[]>((resolve) => survivor.once('request', (...parts: unknown[]) => resolve(parts)))
      expect((await request(observer.client, { type: 'command', to: survivor.id, command: { command: 'data', data: `run ${run}` } })).error).toBeNull()
      expect((await received)[0]).toMatchObject({ from: observer.client.id, command: { data: `run ${run}` } })
      for (const socket of sockets) socket.disconnect()
      observer.client.disconnect()
    }
  })
})
