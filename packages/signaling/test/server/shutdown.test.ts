import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createSignalingServer } from '../../src/server/index'
import { issueToken, nextEvent, openSocket, SECRET, useHarness } from './harness'

const harness = useHarness()

describe('graceful shutdown', () => {
  it('sends on_kick server_shutdown to everyone, disconnects them, closes the port and resolves', async () => {
    const { server, url } = await harness.startServer()
    const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
    const bob = await harness.joinMember(url, { identity: 'bob', room: 'retro' })
    const lurker = await harness.connect(url, 'carol', { token: await issueToken({ identity: 'carol', room: 'standup' }) })
    const kicks = [alice.client, bob.client, lurker].map((socket) => nextEvent(socket, 'on_kick'))
    const disconnects = [alice.client, bob.client, lurker].map((socket) => nextEvent(socket, 'disconnect'))

    await server.close()

    for (const kick of await Promise.all(kicks)) expect(kick[0]).toEqual({ reason: 'server_shutdown', message: expect.any(String) })
    for (const [reason] of await Promise.all(disconnects)) expect(reason).toBe('io server disconnect')
    const late = openSocket(url, 'dave', { token: await issueToken({ identity: 'dave', room: 'standup' }) })
    const [error] = await nextEvent(late, 'connect_error')
    late.disconnect()
    expect(String((error as Error).message)).toMatch(/websocket error|xhr poll error|ECONNREFUSED/)
    await server.close()
  })

  it('attaches to an existing HTTP server under a custom path, and closes it', async () => {
    const http = createServer((_request, response) => response.end('app'))
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
    const server = createSignalingServer({ secret: SECRET, path: '/signaling' })
    await server.attach(http)

    expect(await (await fetch(`${url}/`)).text()).toBe('app')
    const client = await harness.connect(url, 'alice', { token: await issueToken({ identity: 'alice', room: 'standup' }) }, '/signaling')
    expect(client.info.username).toBe('alice')
    const kicked = nextEvent(client, 'on_kick')
    await server.close()
    expect((await kicked)[0]).toMatchObject({ reason: 'server_shutdown' })
    expect(http.listening).toBe(false)
  })

  it('closes a server that never listened', async () => {
    await expect(createSignalingServer({ secret: SECRET }).close()).resolves.toBeUndefined()
  })
})
