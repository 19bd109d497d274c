import { once } from 'node:events'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { JoinResponseSchema, ProblemSchema } from '@callport/core'
import { createMemoryHub, memory } from '@callport/testkit'
import express from 'express'
import { Hono } from 'hono'
import { describe, expect, it, vi } from 'vitest'
import { createCallServer } from '../src/index'
import { toNodeHandler } from '../src/node'
import { alice, stubAdapter } from './stub-adapter'
import { useLocalServers } from './local-servers'

const { listen, defer } = useLocalServers()

/** A working provider (the testkit's in-memory one, on a hub of its own) for tests that need no spy. */
function provider() {
  const hub = createMemoryHub()
  defer(async () => hub.reset())
  return memory({ hub })
}

function callServer() {
  const adapter = provider()
  const calls = createCallServer({ providers: [adapter], authorize: async () => alice, basePath: '/calls' })
  return { calls, adapter }
}

async function join(port: number, path = '/calls/join') {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ room: 'standup' }),
  })
  return { response, body: (await response.json()) as unknown }
}

describe('toNodeHandler', () => {
  it('serves POST /join through node:http', async () => {
    const { calls, adapter } = callServer()
    const port = await listen(createServer(toNodeHandler(calls)))
    const { response, body } = await join(port)
    expect(response.status).toBe(200)
    expect(response.headers.get('callport-provider')).toBe('memory')
    expect(adapter.hub.acceptsToken(JoinResponseSchema.parse(body).token)).toBe(true)
  })

  it('refuses an endless chunked body with 413 and closes the connection', async () => {
    const { calls } = callServer()
    const port = await listen(createServer(toNodeHandler(calls)))
    const outgoing = httpRequest({ host: '127.0.0.1', port, path: '/calls/join', method: 'POST', headers: { 'content-type': 'application/json' } })
    let writing = true
    const chunk = Buffer.alloc(4096, 0x20)
    const pump = async () => {
      while (writing && !outgoing.destroyed) {
        if (!outgoing.write(chunk)) await Promise.race([once(outgoing, 'drain'), once(outgoing, 'close')])
      }
    }
    outgoing.on('error', () => {})
    const pumping = pump()
    const [response] = (await once(outgoing, 'response')) as [import('node:http').IncomingMessage]
    writing = false
    expect(response.statusCode).toBe(413)
    expect(response.headers.connection).toBe('close')
    const chunks: Buffer[] = []
    for await (const piece of response) chunks.push(piece as Buffer)
    expect(ProblemSchema.parse(JSON.parse(Buffer.concat(chunks).toString())).code).toBe('PAYLOAD_TOO_LARGE')
    outgoing.destroy()
    await pumping
  })

  it('refuses a declared Content-Length over 16 KiB before the body is sent', async () => {
    const { calls } = callServer()
    const port = await listen(createServer(toNodeHandler(calls)))
    const outgoing = httpRequest({
      host: '127.0.0.1',
      port,
      path: '/calls/join',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(1024 * 1024) },
    })
    outgoing.on('error', () => {})
    outgoing.flushHeaders()
    const [response] = (await once(outgoing, 'response')) as [import('node:http').IncomingMessage]
    expect(response.statusCode).toBe(413)
    expect(response.headers.connection).toBe('close')
    response.resume()
    outgoing.destroy()
  })

  it('aborts the request signal when the client disconnects', async () => {
    // A stub, not memory(): the test holds ensureRoom until the request is aborted.
    const adapter = stubAdapter('stub')
    const calls = createCallServer({ providers: [adapter], authorize: async () => alice, basePath: '/calls' })
    let aborted: () => void = () => {}
    const abortSeen = new Promise<void>((resolve) => (aborted = resolve))
    adapter.delayEnsure = (signal) =>
      new Promise((_, reject) =>
        signal?.addEventListener('abort', () => {
          aborted()
          reject(signal.reason)
        }),
      )
    const port = await listen(createServer(toNodeHandler(calls)))
    const controller = new AbortController()
    const pending = fetch(`http://127.0.0.1:${port}/calls/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"room":"standup"}',
      signal: controller.signal,
    }).catch((error: unknown) => error)
    await vi.waitFor(() => expect(adapter.ensured).toHaveLength(1))
    controller.abort()
    await abortSeen
    expect(await pending).toBeInstanceOf(Error)
  })

  it('gives authorize a Request with the headers of the node:http request', async () => {
    const adapter = provider()
    const seen: { authorization: string | null; url: string; method: string; isRequest: boolean }[] = []
    const calls = createCallServer({
      providers: [adapter],
      basePath: '/calls',
      authorize: async (request) => {
        seen.push({
          authorization: request.headers.get('authorization'),
          url: request.url,
          method: request.method,
          isRequest: request instanceof Request,
        })
        return request.headers.get('authorization') === 'Bearer alice' ? alice : null
      },
    })
    const port = await listen(createServer(toNodeHandler(calls)))
    const post = (authorization: string) =>
      fetch(`http://127.0.0.1:${port}/calls/join?from=test`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: '{"room":"standup"}',
      })
    expect((await post('Bearer alice')).status).toBe(200)
    expect((await post('Bearer mallory')).status).toBe(401)
    expect(seen).toEqual([
      { authorization: 'Bearer alice', url: `http://127.0.0.1:${port}/calls/join?from=test`, method: 'POST', isRequest: true },
      { authorization: 'Bearer mallory', url: `http://127.0.0.1:${port}/calls/join?from=test`, method: 'POST', isRequest: true },
    ])
  })

  it("aborts the authorize Request's signal when the client disconnects", async () => {
    let aborted: () => void = () => {}
    const abortSeen = new Promise<void>((resolve) => (aborted = resolve))
    let entered: () => void = () => {}
    const authorizing = new Promise<void>((resolve) => (entered = resolve))
    const calls = createCallServer({
      providers: [provider()],
      authorize: (request) =>
        new Promise((_, reject) => {
          request.signal.addEventListener('abort', () => {
            aborted()
            reject(request.signal.reason)
          })
          entered()
        }),
    })
    const port = await listen(createServer(toNodeHandler(calls)))
    const controller = new AbortController()
    const pending = fetch(`http://127.0.0.1:${port}/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"room":"standup"}',
      signal: controller.signal,
    }).catch((error: unknown) => error)
    await authorizing
    controller.abort()
    await abortSeen
    expect(await pending).toBeInstanceOf(Error)
  })

  it('works as Express 5 middleware mounted at the base path, passing other paths on', async () => {
    const { calls } = callServer()
    const app = express()
    app.use('/calls', toNodeHandler(calls))
    app.use(toNodeHandler(calls))
    app.get('/health', (_request, response) => {
      response.send('ok')
    })
    const port = await listen(createServer(app))
    const { response, body } = await join(port)
    expect(response.status).toBe(200)
    expect(JoinResponseSchema.parse(body).room.name).toBe('standup')
    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).text()).toBe('ok')
    const unknown = await fetch(`http://127.0.0.1:${port}/calls/nothing`, { method: 'POST' })
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toBe('application/problem+json')
  })

  it('serves the same handler through Hono on @hono/node-server', async () => {
    const { calls } = callServer()
    const app = new Hono()
    app.all('/calls/*', (context) => calls.fetch(context.req.raw))
    const server = await new Promise<ServerType>((resolve) => {
      const started: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started))
    })
    defer(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    })
    const port = (server.address() as AddressInfo).port
    const { response, body } = await join(port)
    expect(response.status).toBe(200)
    expect(JoinResponseSchema.parse(body).token.provider).toBe('memory')
  })
})
