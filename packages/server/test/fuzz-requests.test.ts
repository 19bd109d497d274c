import { once } from 'node:events'
import { Agent, createServer, request as httpRequest, type ClientRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CallportError, JoinResponseSchema, ProblemSchema } from '@callport/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createCallServer, MAXIMUM_BODY_BYTES, type CallServer } from '../src/index'
import { toNodeHandler } from '../src/node'
import { alice, stubAdapter } from './stub-adapter'

const utf8 = new TextEncoder()

function callServer() {
  const adapter = stubAdapter('stub', {
    webhook: {
      verify: (request) => request.headers.get('x-signature') === 'ok',
      parse: (request) => {
        try {
          const items = JSON.parse(request.body) as unknown
          if (!Array.isArray(items)) throw new TypeError('not an array')
          return items.map((item, index) => ({
            id: `${String((item as { id?: unknown } | null)?.id)}-${index}`,
            type: 'provider-event' as const,
            name: 'fuzz',
            provider: 'stub',
            room: { providerRoomId: 'fuzz' },
            occurredAt: new Date(0).toISOString(),
            raw: item,
          }))
        } catch (cause) {
          throw new CallportError('INVALID_INPUT', 'Not a stub webhook payload', { provider: 'stub', cause })
        }
      },
    },
  })
  const unexpected: unknown[] = []
  const calls = createCallServer({
    providers: [adapter],
    basePath: '/calls',
    authorize: async (request) => (request.headers.get('authorization') === 'Bearer nobody' ? null : alice),
    onError: (error) => unexpected.push(error),
    // Thousands of generated requests as one identity: the joins limit would answer them 429.
    rateLimits: false,
    logger: { info() {}, warn() {}, error() {} },
  })
  return { calls, unexpected }
}

const hugeSegment = fc.integer({ min: 200, max: 20_000 }).map((length) => 'a'.repeat(length))
const segment = fc.oneof(
  fc.constantFrom('join', 'rooms', 'tokens', 'webhooks', 'stub', 'calls', '', '.', '..', '%', '%E4%BC', '%zz', '%2F', '%00', 'standup'),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 10 }),
  hugeSegment,
)
const roomValue = fc.oneof(
  fc.constantFrom('standup', 'réunion', '会議室', 'a'.repeat(128), 'a'.repeat(129), '', '-x', 'two words', '%2F'),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.integer({ min: 129, max: 10_000 }).map((length) => 'ü'.repeat(length)),
  fc.anything(),
)
const path = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('/calls/join', '/calls/rooms') },
  { weight: 2, arbitrary: fc.constantFrom('/calls/rooms/standup', '/calls/rooms/standup/tokens', '/calls/webhooks/stub') },
  { weight: 1, arbitrary: roomValue.map((room) => `/calls/rooms/${encodeURIComponent(typeof room === 'string' ? room : fc.stringify(room))}/tokens`) },
  { weight: 3, arbitrary: fc.array(segment, { maxLength: 5 }).map((segments) => `/calls/${segments.join('/')}`) },
  { weight: 1, arbitrary: fc.array(segment, { maxLength: 4 }).map((segments) => `/${segments.join('/')}`) },
)
const body = fc.oneof(
  { weight: 4, arbitrary: roomValue.map((room) => JSON.stringify({ room }) ?? '{}') },
  fc.json(),
  fc.anything().map((value) => JSON.stringify(value) ?? ''),
  fc.uint8Array({ maxLength: 2000 }),
  fc.integer({ min: MAXIMUM_BODY_BYTES - 20, max: 3 * MAXIMUM_BODY_BYTES }).map((length) => JSON.stringify({ room: 'standup', padding: 'x'.repeat(length) })),
  fc.integer({ min: MAXIMUM_BODY_BYTES + 1, max: 2 * MAXIMUM_BODY_BYTES }).map((length) => new Uint8Array(length).fill(0xff)),
  fc.constant(''),
)
const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON') },
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON;charset=latin1',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/problem+json',
    '',
  ),
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz/;=+- '), maxLength: 30 }),
)
const contentLength = fc.constantFrom('none', 'actual', 'small-lie', 'huge-lie')
const method = fc.oneof({ weight: 4, arbitrary: fc.constant('POST') }, fc.constantFrom('GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'))
const extraHeaders = fc.record({
  authorization: fc.constantFrom(undefined, 'Bearer nobody', 'Bearer someone'),
  signature: fc.constantFrom(undefined, 'ok', 'forged'),
})

const jsonBodyRoutes = new Set(['/calls/join', '/calls/rooms'])

/** One generated request, before it is sent through a transport. */
interface Generated {
  pathname: string
  method: string
  contentType: string
  declared: number | undefined
  bytes: Uint8Array
  authorization: string | undefined
  signature: string | undefined
}

/** What came back, whatever the transport. */
interface Received {
  status: number
  contentType: string | null
  text: string
}

const generated = (lengthModes: fc.Arbitrary<'none' | 'actual' | 'small-lie' | 'huge-lie'>) =>
  fc.tuple(path, method, contentType, lengthModes, body, extraHeaders).map(([pathname, verb, type, lengthMode, payload, extra]): Generated => {
    const bytes = typeof payload === 'string' ? utf8.encode(payload) : payload
    const declared = { none: undefined, actual: bytes.byteLength, 'small-lie': 5, 'huge-lie': 10_000_000 }[lengthMode]
    return { pathname, method: verb, contentType: type, declared, bytes, ...extra }
  })

function headersOf(request: Generated): Record<string, string> {
  const headers: Record<string, string> = {}
  if (request.contentType !== '') headers['content-type'] = request.contentType
  if (request.authorization) headers.authorization = request.authorization
  if (request.signature) headers['x-signature'] = request.signature
  if (hasBody(request) && request.declared !== undefined) headers['content-length'] = String(request.declared)
  return headers
}

const hasBody = (request: Generated) => request.method !== 'GET' && request.method !== 'HEAD'

async function viaFetch(calls: CallServer, request: Generated): Promise<Received | undefined> {
  let fetchRequest: Request
  try {
    fetchRequest = new Request(`http://calls.test${request.pathname}`, {
      method: request.method,
      headers: headersOf(request),
      ...(hasBody(request) ? { body: request.bytes as Uint8Array<ArrayBuffer> } : {}),
    })
  } catch {
    return undefined
  }
  const response = await calls.fetch(fetchRequest)
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() }
}

function viaNode(port: number, agent: Agent, request: Generated): Promise<Received | undefined> {
  return new Promise((resolve, reject) => {
    let outgoing: ClientRequest
    const headers = headersOf(request)
    // node:http frames bodies of POST, PUT and PATCH as chunked when no length is given; others need one.
    if (hasBody(request) && !['POST', 'PUT', 'PATCH'].includes(request.method)) headers['content-length'] = String(request.bytes.byteLength)
    try {
      outgoing = httpRequest({ host: '127.0.0.1', port, agent, method: request.method, path: request.pathname, headers })
    } catch {
      resolve(undefined)
      return
    }
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? null, text: Buffer.concat(chunks).toString() }))
      response.on('error', reject)
    })
    // Refusing an oversized body, the server may close the connection before the client has sent it
    // all; the client can then lose the answer. Nothing else may end a request without one.
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const cutOff = (error.code === 'EPIPE' || error.code === 'ECONNRESET') && request.bytes.byteLength > MAXIMUM_BODY_BYTES
      if (cutOff) resolve(undefined)
      else reject(error)
    })
    outgoing.end(hasBody(request) ? request.bytes : undefined)
  })
}

/** What every answer must satisfy, from either transport. */
function checkAnswer(request: Generated, received: Received): void {
  expect(received.status).toBeLessThan(500)
  if (received.status >= 400 && request.method !== 'HEAD') {
    expect(received.contentType).toBe('application/problem+json')
    const problem = ProblemSchema.parse(JSON.parse(received.text))
    expect(problem.status).toBe(received.status)
    expect(problem.code.length).toBeGreaterThan(0)
  }
  const { pathname } = new URL(`http://calls.test${request.pathname}`)
  if (request.method === 'POST' && jsonBodyRoutes.has(pathname)) {
    const mediaType = (request.contentType.split(';')[0] ?? '').trim().toLowerCase()
    if (mediaType !== 'application/json') expect(received.status).toBe(415)
    else if (request.bytes.byteLength > MAXIMUM_BODY_BYTES || (request.declared ?? 0) > MAXIMUM_BODY_BYTES) expect(received.status).toBe(413)
  }
}

async function joinStillWorks(send: (request: Generated) => Promise<Received | undefined>): Promise<void> {
  const received = await send({
    pathname: '/calls/join',
    method: 'POST',
    contentType: 'application/json',
    declared: undefined,
    bytes: utf8.encode('{"room":"standup"}'),
    authorization: undefined,
    signature: undefined,
  })
  expect(received?.status).toBe(200)
  expect(JoinResponseSchema.parse(JSON.parse(received?.text ?? '')).room.name).toBe('standup')
}

describe('the HTTP API under generated requests', () => {
  it('never answers 5xx, always answers problems with a code, and enforces size and media type (Fetch API)', async () => {
    const { calls, unexpected } = callServer()
    await fc.assert(
      fc.asyncProperty(generated(contentLength), async (request) => {
        const received = await viaFetch(calls, request)
        fc.pre(received !== undefined)
        checkAnswer(request, received)
      }),
      { numRuns: 2000 },
    )
    expect(unexpected).toEqual([])
    await joinStillWorks((request) => viaFetch(calls, request))
  }, 120_000)

  it('holds through toNodeHandler on node:http too', async () => {
    const { calls, unexpected } = callServer()
    const server = createServer(toNodeHandler(calls))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    const agent = new Agent({ keepAlive: true })
    try {
      // Over a real connection a lying Content-Length re-frames the stream, so only honest lengths here.
      await fc.assert(
        fc.asyncProperty(generated(fc.constantFrom('none', 'actual')), async (request) => {
          // node:http itself answers 431 for a request head over 16 KiB, before any handler runs.
          fc.pre(request.pathname.length < 8000)
          const received = await viaNode(port, agent, request)
          fc.pre(received !== undefined)
          checkAnswer(request, received)
        }),
        { numRuns: 400 },
      )
      expect(unexpected).toEqual([])
      await joinStillWorks((request) => viaNode(port, agent, request))
    } finally {
      agent.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }, 120_000)
})
