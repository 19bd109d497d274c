import type { ServerResponse } from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as z from 'zod/mini'
import { CallportError } from '@callport/core'
import { basicAuthorization, createVendorRestClient, resolveVendorRestSettings, type VendorRestClientOptions } from '../src/server/index'
import { VERSION } from '../src/index'
import { startLocalServer, type LocalServer, type ReceivedRequest } from './local-server'

const servers: LocalServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function serve(handle: (request: ReceivedRequest, response: ServerResponse) => void): Promise<LocalServer> {
  const server = await startLocalServer(handle)
  servers.push(server)
  return server
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
}

function clientFor(server: LocalServer, overrides: Partial<VendorRestClientOptions> = {}) {
  return createVendorRestClient({
    provider: 'acme',
    vendor: 'Acme',
    providerVersion: '1.2.3',
    baseUrl: `${server.url}/api`,
    headers: { authorization: basicAuthorization('user', 'pässword') },
    settings: resolveVendorRestSettings({ timeout: 2_000, retry: { limit: 2, initialDelay: 1, maximumDelay: 50 } }),
    ...overrides,
  })
}

async function rejection(promise: Promise<unknown>): Promise<CallportError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  if (!CallportError.isInstance(error)) throw new Error(`expected a CallportError, got ${String(error)}`)
  return error
}

describe('createVendorRestClient', () => {
  it('sends credentials, a User-Agent naming Callport and the provider, JSON bodies and query parameters', async () => {
    const server = await serve((_, response) => json(response, 201, { id: 'r1', extra: true }))
    const data = await clientFor(server).request({
      method: 'POST',
      path: '/rooms',
      body: { json: { name: 'standup' } },
      query: { page: 2, skip: undefined },
      schema: z.object({ id: z.string() }),
      operation: 'creating a room',
    })
    expect(data).toEqual({ id: 'r1' })
    const [request] = server.received
    expect(request).toMatchObject({ method: 'POST', url: '/api/rooms?page=2', body: '{"name":"standup"}' })
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('user:pässword').toString('base64')}`)
    expect(request?.headers['user-agent']).toBe(`Callport/${VERSION} (acme/1.2.3)`)
    expect(request?.headers['content-type']).toMatch(/^application\/json/)
  })

  it('form-encodes bodies, repeating the key of an array value', async () => {
    const server = await serve((_, response) => json(response, 200, {}))
    await clientFor(server).request({ method: 'POST', path: 'v1/Rooms', body: { form: { VideoCodecs: ['VP8', 'H264'], Type: 'group', Skip: undefined } }, operation: 'x' })
    expect(server.received[0]?.body).toBe('VideoCodecs=VP8&VideoCodecs=H264&Type=group')
    expect(server.received[0]?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
  })

  it('adds the headers setting but never lets it replace the credentials', async () => {
    const server = await serve((_, response) => json(response, 200, {}))
    const settings = resolveVendorRestSettings({ headers: { 'x-proxy': 'p1', authorization: 'Basic forged' } })
    await clientFor(server, { settings }).request({ method: 'GET', path: '/', operation: 'x' })
    expect(server.received[0]?.headers['x-proxy']).toBe('p1')
    expect(server.received[0]?.headers.authorization).toBe(basicAuthorization('user', 'pässword'))
  })

  it.each([
    [400, 'INVALID_INPUT', false],
    [401, 'PROVIDER_REJECTED', false],
    [403, 'PROVIDER_REJECTED', false],
    [404, 'NOT_FOUND', false],
    [409, 'PROVIDER_REJECTED', false],
    [422, 'PROVIDER_REJECTED', false],
    [501, 'PROVIDER_UNAVAILABLE', true],
  ] as const)('maps HTTP %i to %s (retryable %s) through the default table, keeping the vendor answer', async (status, code, retryable) => {
    const server = await serve((_, response) => json(response, status, { message: 'the vendor says no', internal: 'db-7.corp' }, { 'x-request-id': 'abc' }))
    const error = await rejection(
      clientFor(server, { settings: resolveVendorRestSettings({ retry: { limit: 0 } }) }).request({ method: 'GET', path: '/thing', operation: 'reading the thing' }),
    )
    expect(error).toMatchObject({ code, retryable, provider: 'acme' })
    expect(error.message).toMatch(new RegExp(`^Acme [a-z ]+ \\(HTTP ${status}\\) while reading the thing: the vendor says no$`))
    expect(error.vendor).toMatchObject({ status, body: { message: 'the vendor says no', internal: 'db-7.corp' }, headers: { 'x-request-id': 'abc' } })
  })

  it('names what a 404 means for the request, and lets a vendor and a request change the table', async () => {
    const server = await serve((request, response) => json(response, request.url.endsWith('/bad') ? 400 : 404, {}))
    const client = clientFor(server, { statusMeanings: { 401: { code: 'PROVIDER_REJECTED', retryable: false, message: 'refused the key (check ACME_KEY)' } } })
    expect(await rejection(client.request({ method: 'GET', path: '/room', notFound: 'ROOM_NOT_FOUND', operation: 'x' }))).toMatchObject({ code: 'ROOM_NOT_FOUND' })
    const bad = await rejection(
      client.request({ method: 'GET', path: '/bad', statusMeanings: { 400: { code: 'ROOM_NOT_FOUND', retryable: false, message: 'has no such session' } }, operation: 'x' }),
    )
    expect(bad).toMatchObject({ code: 'ROOM_NOT_FOUND', message: 'Acme has no such session (HTTP 400) while x' })
  })

  it('lets describeError read a vendor error code from the body', async () => {
    const server = await serve((_, response) => json(response, 400, { code: 53119, message: 'Room creation limit reached' }))
    const client = clientFor(server, {
      describeError: ({ body }) =>
        (body as { code?: number }).code === 53119
          ? { code: 'RATE_LIMITED', retryable: true, message: 'has too many rooms', detail: 'quota', details: { vendorCode: 53119 } }
          : undefined,
      settings: resolveVendorRestSettings({ retry: { limit: 0 } }),
    })
    const error = await rejection(client.request({ method: 'POST', path: '/rooms', operation: 'creating' }))
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true, details: { vendorCode: 53119 }, message: 'Acme has too many rooms (HTTP 400) while creating: quota' })
  })

  it('answers the statuses a request accepts instead of throwing', async () => {
    const server = await serve((_, response) => json(response, 409, { message: 'exists' }))
    const answer = await clientFor(server).requestWithStatus({ method: 'POST', path: '/sessions', accept: [409], operation: 'x' })
    expect(answer).toMatchObject({ ok: false, status: 409, body: { message: 'exists' } })
  })

  it('refuses a 2xx body that does not match the schema, keeping the body', async () => {
    const server = await serve((_, response) => json(response, 200, { id: 42 }))
    const error = await rejection(clientFor(server).request({ method: 'GET', path: '/', schema: z.object({ id: z.string() }), operation: 'reading' }))
    expect(error).toMatchObject({
      code: 'PROVIDER_REJECTED',
      retryable: false,
      message: 'Acme answered with an unexpected body while reading',
      vendor: { status: 200, body: { id: 42 } },
    })
  })

  it('retries idempotent requests on 5xx and succeeds', async () => {
    let calls = 0
    const server = await serve((_, response) => ((calls += 1) < 3 ? json(response, 502, {}) : json(response, 200, { ok: 1 })))
    expect(await clientFor(server).request({ method: 'GET', path: '/', operation: 'x' })).toEqual({ ok: 1 })
    expect(server.received).toHaveLength(3)
  })

  it('does not repeat a POST after a 500 (it may have acted), but does after 503 and 429', async () => {
    const server = await serve((request, response) => json(response, Number(request.url.split('/').pop()), {}))
    const client = clientFor(server)
    expect(await rejection(client.request({ method: 'POST', path: '/500', operation: 'x' }))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
    expect(server.received).toHaveLength(1)
    expect(await rejection(client.request({ method: 'POST', path: '/503', operation: 'x' }))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' })
    expect(await rejection(client.request({ method: 'POST', path: '/429', operation: 'x' }))).toMatchObject({ code: 'RATE_LIMITED', retryable: true })
    expect(server.received).toHaveLength(1 + 3 + 3)
  })

  it('honours Retry-After up to maximumDelay, and gives up at once when it asks for longer', async () => {
    const server = await serve((request, response) => json(response, 429, {}, { 'retry-after': request.url.endsWith('long') ? '60' : '0' }))
    const client = clientFor(server)
    await rejection(client.request({ method: 'GET', path: '/short', operation: 'x' }))
    expect(server.received).toHaveLength(3)
    await rejection(client.request({ method: 'GET', path: '/long', operation: 'x' }))
    expect(server.received).toHaveLength(4)
  })

  it('times out a vendor that sends headers and then trickles its body', async () => {
    const server = await serve((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.write('{"a":')
      // the rest never comes
    })
    const client = clientFor(server, { settings: resolveVendorRestSettings({ timeout: 200, retry: { limit: 0 } }) })
    const error = await rejection(client.request({ method: 'GET', path: '/', operation: 'reading' }))
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, message: 'Acme did not answer within 200 ms while reading' })
  })

  it('refuses an answer larger than maximumResponseBytes, declared or streamed', async () => {
    const server = await serve((request, response) => {
      if (request.url.endsWith('declared')) {
        response.writeHead(200, { 'content-length': String(5_000) }).end('x'.repeat(5_000))
        return
      }
      response.writeHead(200)
      for (let chunk = 0; chunk < 10; chunk += 1) response.write('y'.repeat(1_000))
      response.end()
    })
    const client = clientFor(server, { maximumResponseBytes: 4_096 })
    for (const path of ['/declared', '/streamed']) {
      expect(await rejection(client.request({ method: 'GET', path, operation: 'reading' }))).toMatchObject({
        code: 'PROVIDER_REJECTED',
        message: 'Acme answered with more than 4096 bytes while reading',
      })
    }
  })

  it('keeps only an excerpt of a large error body, and a short detail in the message', async () => {
    const message = 'm'.repeat(10_000)
    const server = await serve((_, response) => json(response, 400, { message }))
    const error = await rejection(clientFor(server).request({ method: 'GET', path: '/', operation: 'x' }))
    expect(error.message.length).toBeLessThan(400)
    expect(typeof error.vendor?.body).toBe('string')
    expect((error.vendor?.body as string).length).toBeLessThan(4_200)
  })

  it('follows a redirect within the origin, and refuses one to another origin without sending the credentials there', async () => {
    const elsewhere = await serve((_, response) => json(response, 200, { stolen: true }))
    const server = await serve((request, response) => {
      if (request.url === '/api/moved') response.writeHead(307, { location: '/api/here' }).end()
      else if (request.url === '/api/away') response.writeHead(302, { location: `${elsewhere.url}/collect` }).end()
      else json(response, 200, { here: true })
    })
    const client = clientFor(server)
    expect(await client.request({ method: 'GET', path: '/moved', operation: 'x' })).toEqual({ here: true })
    const error = await rejection(client.request({ method: 'GET', path: '/away', operation: 'reading' }))
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false })
    expect(elsewhere.received).toHaveLength(0)
  })

  it('refuses an absolute path on another origin (a next-page URL) before sending anything', async () => {
    const server = await serve((_, response) => json(response, 200, {}))
    const error = await rejection(clientFor(server).request({ method: 'GET', path: 'https://evil.example/next', operation: 'x' }))
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED' })
    expect(server.received).toHaveLength(0)
  })

  it('gives ABORTED for a signal that fired, before or during the request', async () => {
    const server = await serve(() => undefined) // never answers
    const client = clientFor(server)
    expect(await rejection(client.request({ method: 'GET', path: '/', operation: 'x', signal: AbortSignal.abort() }))).toMatchObject({ code: 'ABORTED' })
    expect(server.received).toHaveLength(0)
    const controller = new AbortController()
    const pending = client.request({ method: 'GET', path: '/', operation: 'x', signal: controller.signal })
    await vi.waitFor(() => expect(server.received).toHaveLength(1))
    controller.abort()
    expect(await rejection(pending)).toMatchObject({ code: 'ABORTED', provider: 'acme' })
  })

  it('reports a vendor that cannot be reached as retryable PROVIDER_UNAVAILABLE', async () => {
    const server = await serve(() => undefined)
    const url = server.url
    await server.close()
    servers.length = 0
    const client = createVendorRestClient({
      provider: 'acme',
      vendor: 'Acme',
      providerVersion: '1',
      baseUrl: url,
      headers: {},
      settings: resolveVendorRestSettings({ retry: { limit: 1, initialDelay: 1 } }),
    })
    expect(await rejection(client.request({ method: 'GET', path: '/', operation: 'reading' }))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
  })
})
