import { once } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { issueToken, nextEvent, useHarness } from './harness'

const harness = useHarness()

/**
 * A client at the Engine.IO level that connects, joins, and then never answers a ping — as a
 * browser tab does when its machine sleeps or its network vanishes without closing the socket.
 */
async function silentMember(url: string, identity: string, room: string): Promise<{ socket: WebSocket; closed: Promise<number> }> {
  const query = new URLSearchParams({ EIO: '4', transport: 'websocket', username: identity, auth: JSON.stringify({ token: await issueToken({ identity, room }) }) })
  const socket = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?${query}`)
  const closed = once(socket, 'close').then(([code]) => code as number)
  const packets: string[] = []
  // binaryType is 'nodebuffer' (ws's default), so every message, even a fragmented one, arrives as one Buffer.
  socket.on('message', (data) => packets.push((data as Buffer).toString()))
  const next = (prefix: string) =>
    vi.waitFor(
      () => {
        const index = packets.findIndex((packet) => packet.startsWith(prefix))
        if (index < 0) throw new Error(`no packet starting with ${prefix}`)
        return packets.splice(index, 1)[0]!
      },
      { timeout: 5_000, interval: 10 },
    )
  await once(socket, 'open')
  await next('0{') // Engine.IO open
  socket.send('40') // Socket.IO connect to the main namespace
  await next('40')
  const [, info] = JSON.parse((await next('42["on_connection"')).slice(2)) as [string, { server_metadata: { room_id: string } }]
  socket.send(`421${JSON.stringify(['request', { type: 'auth', command: { command: 'join', room_id: info.server_metadata.room_id } }])}`)
  await next('431')
  return { socket, closed }
}

describe('heartbeats', () => {
  it('close a connection that stops answering pings within interval + timeout, and its member leaves', async () => {
    const { url } = await harness.startServer({ heartbeat: { interval: 300, timeout: 300 } })
    const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
    const joined = nextEvent(alice.client, 'on_join')
    const silent = await silentMember(url, 'bob', 'standup')
    const [bobId] = await joined
    const silentSince = Date.now()

    const [leftId] = await nextEvent(alice.client, 'on_leave', 3_000)
    expect(leftId).toBe(bobId)
    expect(Date.now() - silentSince).toBeLessThan(1_500)
    await silent.closed
    expect(alice.client.connected).toBe(true)
  })
})
