import { once } from 'node:events'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { measureRequestsPerSecond } from '../lib/http-load.mjs'

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve)))))
})

async function listen(handler: RequestListener): Promise<number> {
  const server = createServer(handler)
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

describe('measureRequestsPerSecond', () => {
  it('keeps `concurrency` connections busy and counts every answered request', async () => {
    let answered = 0
    let connections = 0
    const bodies = new Set<string>()
    const port = await listen((request, response) => {
      let body = ''
      request.on('data', (chunk) => (body += chunk))
      request.on('end', () => {
        bodies.add(`${request.method} ${request.url} ${body}`)
        answered += 1
        response.end('{}')
      })
    })
    servers[0]!.on('connection', () => (connections += 1))

    const started = performance.now()
    const result = await measureRequestsPerSecond({ port, path: '/join', method: 'POST', body: '{"room":"a"}', concurrency: 4, durationMs: 200 })
    const elapsedSeconds = (performance.now() - started) / 1000

    expect(result.completed).toBe(answered)
    expect(result.completed).toBeGreaterThanOrEqual(4)
    expect(connections).toBe(4)
    expect([...bodies]).toEqual(['POST /join {"room":"a"}'])
    expect(result.requestsPerSecond).toBeGreaterThanOrEqual(answered / elapsedSeconds)
    expect(result.requestsPerSecond).toBeLessThanOrEqual(answered / 0.2)
  })

  it('fails instead of counting an unexpected status as throughput', async () => {
    let answered = 0
    const port = await listen((_, response) => {
      answered += 1
      response.writeHead(answered > 3 ? 401 : 200).end(answered > 3 ? 'no token for you' : '')
    })
    await expect(measureRequestsPerSecond({ port, path: '/join', concurrency: 2, durationMs: 5_000 })).rejects.toThrow(
      /GET \/join answered 401, expected 200: no token for you/,
    )
  })
})
