import type { ClientConnection } from '@callport/core'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { signaling } from '../../src/client/index'
import { recordingSocketFactory, uniqueRoom, useSignaling } from './harness'

// prepare(token) opens the socket and looks up the room ahead of the click; the connect with that
// token then only joins, on that socket.

const harness = useSignaling()
beforeAll(async () => {
  await harness.start()
})
const opened: ClientConnection[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((connection) => connection.disconnect()))
})

const media = { audio: false, video: false } as const

describe('signaling prepare(token)', () => {
  it('opens the socket ahead, and the join takes it instead of opening another', async () => {
    const request = { room: uniqueRoom('prepared'), identity: 'ada' }
    const token = await harness.token(request)
    const recorded = recordingSocketFactory()
    const adapter = signaling({ sdk: recorded.sdk })
    await adapter.prepare(token)
    expect(recorded.sockets).toHaveLength(1)
    expect(recorded.sockets[0]?.connected).toBe(true)

    const connection = await adapter.connect(token, { ...media, refreshToken: () => harness.token(request) })
    opened.push(connection)
    expect(recorded.sockets).toHaveLength(1)
    expect(connection.vendor.socket).toBe(recorded.sockets[0])

    const other = await harness.connect({ room: request.room, identity: 'grace' })
    await vi.waitFor(() => expect(connection.participants().map(({ identity }) => identity)).toEqual(['grace']))
    expect(other.participants().map(({ identity }) => identity)).toEqual(['ada'])
  })

  it('opens a fresh socket for another token, and closes the prepared one', async () => {
    const room = uniqueRoom('other-token')
    const recorded = recordingSocketFactory()
    const adapter = signaling({ sdk: recorded.sdk })
    await adapter.prepare(await harness.token({ room, identity: 'ada' }))
    const request = { room, identity: 'ada', name: 'Ada' }
    const connection = await adapter.connect(await harness.token(request), { ...media, refreshToken: () => harness.token(request) })
    opened.push(connection)
    expect(recorded.sockets).toHaveLength(2)
    expect(recorded.sockets[0]?.connected).toBe(false)
    expect(connection.vendor.socket).toBe(recorded.sockets[1])
  })

  it('replaces a prepared socket the server closed before the join', async () => {
    const request = { room: uniqueRoom('closed-meanwhile'), identity: 'ada' }
    const token = await harness.token(request)
    const recorded = recordingSocketFactory()
    const adapter = signaling({ sdk: recorded.sdk })
    await adapter.prepare(token)
    recorded.sockets[0]?.disconnect()
    const connection = await adapter.connect(token, { ...media, refreshToken: () => harness.token(request) })
    opened.push(connection)
    expect(recorded.sockets).toHaveLength(2)
    expect(connection.vendor.socket).toBe(recorded.sockets[1])
  })
})
