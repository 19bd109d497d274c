import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server, type Socket as ServerSocket } from 'socket.io'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocketServer } from 'ws'
import { connectWebSocket, webSocketUrl, type SignalingSocket } from '../../src/client/socket-io-websocket'

// The adapter's own socket.io client, against the real socket.io server (and, for the heartbeat, a
// bare WebSocket server that speaks Engine.IO's open packet and then falls silent).

const closers: (() => unknown)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

async function listen(http: HttpServer): Promise<string> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  closers.push(() => new Promise((resolve) => http.close(resolve)))
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`
}

async function socketIoServer(options: ConstructorParameters<typeof Server>[1] = {}) {
  const http = createServer()
  const io = new Server(http, { transports: ['websocket'], ...options })
  closers.push(() => io.close())
  const url = await listen(http)
  return { io, url, nextConnection: () => new Promise<ServerSocket>((resolve) => io.once('connection', resolve)) }
}

function open(url: string, options: Parameters<typeof connectWebSocket>[1] = {}): SignalingSocket {
  const socket = connectWebSocket(url, options)
  closers.push(() => socket.disconnect())
  return socket
}

const connected = (socket: SignalingSocket) => new Promise<void>((resolve, reject) => (socket.on('connect', resolve), socket.on('connect_error', reject)))

describe('the built-in socket.io client over WebSocket', () => {
  it('builds the Engine.IO WebSocket URL from the server URL, the path and the query', () => {
    expect(webSocketUrl('https://example.test:8443', { query: { username: 'ada', auth: '{"token":"t"}' } })).toEqual({
      href: 'wss://example.test:8443/socket.io/?username=ada&auth=%7B%22token%22%3A%22t%22%7D&EIO=4&transport=websocket',
      namespace: '/',
    })
    expect(webSocketUrl('http://127.0.0.1:3000/calls', { path: '/signal' })).toEqual({
      href: 'ws://127.0.0.1:3000/signal/?EIO=4&transport=websocket',
      namespace: '/calls',
    })
  })

  it('connects with the query, exchanges events both ways and gets acknowledgements', async () => {
    const server = await socketIoServer()
    const arriving = server.nextConnection()
    const socket = open(server.url, { query: { username: 'ada', auth: '{"token":"x y"}' } })
    await connected(socket)
    const peer = await arriving
    expect(socket.connected).toBe(true)
    expect(peer.handshake.query).toMatchObject({ username: 'ada', auth: '{"token":"x y"}' })

    peer.on('request', (message: unknown, ack: (result: unknown, error: unknown) => void) => ack({ echoed: message }, null))
    const answer = await new Promise((resolve) => socket.emit('request', { command: 'ping' }, (...results: unknown[]) => resolve(results)))
    expect(answer).toEqual([{ echoed: { command: 'ping' } }, null])
    const timed = await new Promise((resolve) => socket.timeout(5_000).emit('request', 'é ✓', (...results: unknown[]) => resolve(results)))
    expect(timed).toEqual([null, { echoed: 'é ✓' }, null])

    const heard = new Promise((resolve) => socket.on('on_join', (...args: unknown[]) => resolve(args)))
    peer.emit('on_join', 'member-1', { id: 'member-1', name: 'grace' })
    expect(await heard).toEqual(['member-1', { id: 'member-1', name: 'grace' }])

    socket.on('question', (value: number, reply: (answer: number) => void) => reply(value * 2))
    expect(await peer.timeout(5_000).emitWithAck('question', 21)).toBe(42)
  })

  it('calls a timed acknowledgement with an error when no answer comes in time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const server = await socketIoServer()
      const arriving = server.nextConnection()
      const socket = open(server.url)
      await connected(socket)
      const peer = await arriving
      const received = new Promise((resolve) => peer.on('request', resolve))
      const results = new Promise<unknown[]>((resolve) => socket.timeout(1_000).emit('request', 'silence', (...args: unknown[]) => resolve(args)))
      await received
      await vi.advanceTimersByTimeAsync(1_000)
      const [error, ...rest] = await results
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toBe('operation has timed out')
      expect(rest).toEqual([])
    } finally {
      vi.useRealTimers()
    }
  })

  it('reports a refusal by the server’s middleware as connect_error with its data', async () => {
    const server = await socketIoServer()
    server.io.use((_socket, next) => next(Object.assign(new Error('UNAUTHORIZED'), { data: { code: 'UNAUTHORIZED', message: 'bad token' } })))
    const socket = open(server.url)
    const error = await connected(socket).then(
      () => undefined,
      (failure: unknown) => failure as Error & { data?: unknown },
    )
    expect(error?.message).toBe('UNAUTHORIZED')
    expect(error?.data).toEqual({ code: 'UNAUTHORIZED', message: 'bad token' })
    expect(socket.connected).toBe(false)
  })

  it('reports a server that cannot be reached as connect_error', async () => {
    const http = createServer()
    const url = await listen(http)
    await new Promise((resolve) => http.close(resolve))
    const error = await connected(open(url)).catch((failure: unknown) => failure as Error)
    expect(error).toBeInstanceOf(Error)
  })

  it('tells each side when the other disconnects', async () => {
    const server = await socketIoServer()
    let arriving = server.nextConnection()
    const kicked = open(server.url)
    await connected(kicked)
    const reason = new Promise((resolve) => kicked.on('disconnect', resolve))
    ;(await arriving).disconnect(true)
    expect(await reason).toBe('io server disconnect')
    expect(kicked.connected).toBe(false)

    arriving = server.nextConnection()
    const leaving = open(server.url)
    await connected(leaving)
    const peer = await arriving
    const seen = new Promise((resolve) => peer.on('disconnect', resolve))
    leaving.disconnect()
    expect(await seen).toBe('client namespace disconnect')
  })

  it('answers the server’s heartbeat, so the server keeps it connected', async () => {
    const server = await socketIoServer({ pingInterval: 50, pingTimeout: 200 })
    const arriving = server.nextConnection()
    const socket = open(server.url)
    await connected(socket)
    const peer = await arriving
    let beats = 0
    peer.conn.on('heartbeat', () => beats++)
    await vi.waitFor(() => expect(beats).toBeGreaterThanOrEqual(6), { timeout: 5_000 })
    expect(peer.connected).toBe(true)
    expect(socket.connected).toBe(true)
  })

  it('disconnects with "ping timeout" when the server falls silent', async () => {
    const http = createServer()
    const wss = new WebSocketServer({ server: http })
    closers.push(() => new Promise((resolve) => wss.close(resolve)))
    wss.on('connection', (ws) => {
      ws.send('0{"sid":"s","upgrades":[],"pingInterval":100,"pingTimeout":100,"maxPayload":1000000}')
      ws.on('message', (data: Buffer) => {
        if (data.toString('utf8') === '40') ws.send('40{"sid":"n"}')
      })
    })
    const url = await listen(http)
    const socket = open(url)
    await connected(socket)
    const reason = await new Promise((resolve) => socket.on('disconnect', resolve))
    expect(reason).toBe('ping timeout')
  })
})
