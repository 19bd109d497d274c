import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ConnectionState } from '@callport/core'
import { createSession, type Session } from '@callport/client'
import { createCallServer } from '@callport/server'
import { toNodeHandler } from '@callport/server/node'
import { waitForEvent } from '@callport/testkit'
import { io } from 'socket.io-client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { signaling } from '../../src/client/index'
import type { SocketFactory } from '../../src/client/load-sdk'
import { createSignalingServer, signaling as signalingServerHalf, type SignalingServer } from '../../src/server/index'
import { SECRET, uniqueRoom } from './harness'

// createSession (@callport/client) over createCallServer (@callport/server) and the signaling
// server on one node:http server: how the adapter's own reconnection and the session's meet.
let httpServer: Server
let signalingServer: SignalingServer
let baseUrl: string
const sessions: Session[] = []

beforeEach(async () => {
  httpServer = createServer()
  signalingServer = createSignalingServer({ secret: SECRET, onError: () => undefined })
  await signalingServer.attach(httpServer)
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`
  const calls = createCallServer({
    providers: [signalingServerHalf({ secret: SECRET, url: baseUrl })],
    basePath: '/calls',
    tokenTtlSeconds: 60,
    // Tests only: the identity comes from the query string.
    authorize: async (request) => ({ identity: new URL(request.url).searchParams.get('identity') ?? 'anonymous' }),
  })
  const handle = toNodeHandler(calls)
  httpServer.on('request', (request, response) => {
    if (request.url?.startsWith('/calls')) handle(request, response)
  })
})
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.leave()))
  await signalingServer.close()
})

function session(identity: string, createSocket?: SocketFactory, reconnectTimeoutMilliseconds?: number): Session {
  const created = createSession({
    adapters: [signaling({ ...(createSocket ? { sdk: createSocket } : {}), ...(reconnectTimeoutMilliseconds ? { reconnectTimeoutMilliseconds } : {}) })],
    token: `${baseUrl}/calls/join?identity=${identity}`,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
  })
  sessions.push(created)
  return created
}

const statesOf = (subject: Session): ConnectionState[] => {
  const states: ConnectionState[] = []
  subject.on('connection-state-changed', ({ state }) => states.push(state))
  return states
}

function dropSocketOf(identity: string): void {
  for (const socket of signalingServer.io.sockets.sockets.values()) if (socket.handshake.query.username === identity) socket.conn.close()
}

describe('createSession with the signaling adapter', () => {
  it('rides out a dropped socket inside the adapter: reconnecting, then connected, same participants', async () => {
    const room = uniqueRoom('session-drop')
    const ada = session('ada')
    const grace = session('grace')
    await ada.join(room, { audio: false, video: false })
    await grace.join(room, { audio: false, video: false })
    await vi.waitFor(() => expect(ada.participants().map((participant) => participant.identity)).toEqual(['grace']))
    const states = statesOf(ada)
    const reconnected = waitForEvent(ada, 'reconnected')
    dropSocketOf('ada')
    await reconnected
    expect(states).toEqual(['reconnecting', 'connected'])
    expect(ada.participants().map((participant) => participant.identity)).toEqual(['grace'])
  })

  it('hands over to the session when the socket cannot come back in time, which joins again', async () => {
    let refused = 0
    // After the first socket, the next two go nowhere: the adapter gives up, the session takes over.
    const flaky: SocketFactory = (url, options) => io(refused++ >= 1 && refused <= 3 ? 'http://127.0.0.1:9' : url, options)
    const room = uniqueRoom('session-handover')
    const ada = session('ada', flaky, 300)
    await ada.join(room, { audio: false, video: false })
    const reconnecting = vi.fn()
    ada.on('reconnecting', reconnecting)
    const states = statesOf(ada)
    const reconnected = waitForEvent(ada, 'reconnected', { timeoutMilliseconds: 5000 })
    dropSocketOf('ada')
    await reconnected
    expect(states.at(-1)).toBe('connected')
    expect(states).toContain('reconnecting')
    // First the adapter's own attempt (attempt 0), then the session's (attempt 1…) after connection-lost.
    expect(reconnecting.mock.calls.map(([event]) => event)).toEqual(
      expect.arrayContaining([expect.objectContaining({ attempt: 0, reason: 'connection-lost' }), expect.objectContaining({ attempt: 1, reason: 'connection-lost' })]),
    )
    expect(ada.state).toBe('connected')
  })
})
