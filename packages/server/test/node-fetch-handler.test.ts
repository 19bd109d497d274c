import { createServer } from 'node:http'
import { createMemoryHub, memory } from '@callport/testkit'
import express from 'express'
import { describe, expect, it, vi } from 'vitest'
import { createCallServer } from '../src/index'
import { toNodeHandler } from '../src/node'
import { alice } from './stub-adapter'
import { useLocalServers } from './local-servers'

const { listen, defer } = useLocalServers()

function callServer() {
  const hub = createMemoryHub()
  defer(async () => hub.reset())
  return createCallServer({ providers: [memory({ hub })], authorize: async () => alice, basePath: '/calls' })
}

/** A Fetch handler like a vendor's sample routes: answers POST /calls/echo with what it read, passes the rest. */
const echo = async (request: Request): Promise<Response | undefined> => {
  if (new URL(request.url).pathname !== '/calls/echo') return undefined
  const body = await request.text()
  const headers = new Headers({ 'content-type': 'application/json' })
  headers.append('set-cookie', 'a=1')
  headers.append('set-cookie', 'b=2')
  return new Response(JSON.stringify({ method: request.method, body, user: request.headers.get('x-user') }), { status: 201, headers })
}

describe('toNodeHandler with a Fetch handler', () => {
  it('serves the handler through node:http: method, headers, body, status and every set-cookie', async () => {
    const port = await listen(createServer(toNodeHandler(echo)))
    const response = await fetch(`http://127.0.0.1:${port}/calls/echo`, { method: 'POST', headers: { 'x-user': 'ada' }, body: 'hello' })
    expect(response.status).toBe(201)
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(await response.json()).toEqual({ method: 'POST', body: 'hello', user: 'ada' })
  })

  it('answers 404 for what the handler passes when there is no next', async () => {
    const port = await listen(createServer(toNodeHandler(echo)))
    const response = await fetch(`http://127.0.0.1:${port}/elsewhere`)
    expect(response.status).toBe(404)
  })

  it('chains in front of the call server on node:http, leaving the body of a passed request unread', async () => {
    const calls = callServer()
    const samples = toNodeHandler(echo)
    const api = toNodeHandler(calls)
    const port = await listen(createServer((request, response) => samples(request, response, () => api(request, response))))
    const join = await fetch(`http://127.0.0.1:${port}/calls/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ room: 'standup' }),
    })
    expect(join.status).toBe(200)
    expect(await join.json()).toMatchObject({ room: { name: 'standup' } })
    const echoed = await fetch(`http://127.0.0.1:${port}/calls/echo`, { method: 'POST', body: 'x' })
    expect(await echoed.json()).toMatchObject({ body: 'x' })
  })

  it('works as Express middleware before the call server', async () => {
    const calls = callServer()
    const app = express()
    app.use(toNodeHandler(echo))
    app.use('/calls', toNodeHandler(calls))
    const port = await listen(createServer(app))
    const echoed = await fetch(`http://127.0.0.1:${port}/calls/echo`, { method: 'POST', body: 'via express' })
    expect(await echoed.json()).toMatchObject({ body: 'via express' })
    const join = await fetch(`http://127.0.0.1:${port}/calls/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ room: 'standup' }),
    })
    expect(join.status).toBe(200)
  })

  it('streams the response body', async () => {
    const encoder = new TextEncoder()
    const port = await listen(
      createServer(
        toNodeHandler(
          () =>
            new Response(
              new ReadableStream({
                start(controller) {
                  controller.enqueue(encoder.encode('one,'))
                  controller.enqueue(encoder.encode('two'))
                  controller.close()
                },
              }),
            ),
        ),
      ),
    )
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('one,two')
  })

  it("passes a handler's error to Express's next, and closes the connection without one", async () => {
    const failing = () => Promise.reject(new Error('boom'))
    const app = express()
    app.use(toNodeHandler(failing))
    const seen = vi.fn()
    app.use((error: unknown, _request: express.Request, response: express.Response, _next: express.NextFunction) => {
      seen(error)
      response.status(500).end()
    })
    const port = await listen(createServer(app))
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(500)
    expect(seen).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }))
    const bare = await listen(createServer(toNodeHandler(failing)))
    await expect(fetch(`http://127.0.0.1:${bare}/`)).rejects.toThrow()
  })

  it('aborts the Request signal when the client goes away', async () => {
    let aborted: () => void = () => {}
    const gone = new Promise<void>((resolve) => (aborted = resolve))
    let started: () => void = () => {}
    const reached = new Promise<void>((resolve) => (started = resolve))
    const port = await listen(
      createServer(
        toNodeHandler(
          (request) =>
            new Promise<Response>(() => {
              request.signal.addEventListener('abort', () => aborted())
              started()
            }),
        ),
      ),
    )
    const controller = new AbortController()
    const pending = fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal }).catch(() => undefined)
    await reached
    controller.abort()
    await gone
    await pending
  })
})
