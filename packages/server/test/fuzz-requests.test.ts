import { CallportError, JoinResponseSchema, ProblemSchema } from '@callport/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createCallServer, MAXIMUM_BODY_BYTES } from '../src/index'
import { alice, postJson, stubAdapter } from './stub-adapter'

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
  { weight: 1, arbitrary: roomValue.map((room) => `/calls/rooms/${encodeURIComponent(String(room))}/tokens`) },
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

describe('the HTTP API under generated requests', () => {
  it('never answers 5xx, always answers problems with a code, and enforces size and media type', async () => {
    const { calls, unexpected } = callServer()
    await fc.assert(
      fc.asyncProperty(path, method, contentType, contentLength, body, extraHeaders, async (pathname, verb, type, lengthMode, payload, extra) => {
        const bytes = typeof payload === 'string' ? utf8.encode(payload) : payload
        const headers = new Headers()
        if (type !== '') headers.set('content-type', type)
        if (extra.authorization) headers.set('authorization', extra.authorization)
        if (extra.signature) headers.set('x-signature', extra.signature)
        const hasBody = verb !== 'GET' && verb !== 'HEAD'
        const declared = { none: undefined, actual: bytes.byteLength, 'small-lie': 5, 'huge-lie': 10_000_000 }[lengthMode]
        if (hasBody && declared !== undefined) headers.set('content-length', String(declared))
        let request: Request
        try {
          request = new Request(`http://calls.test${pathname}`, { method: verb, headers, ...(hasBody ? { body: bytes } : {}) })
        } catch {
          fc.pre(false)
          return
        }
        const response = await calls.fetch(request)
        expect(response.status).toBeLessThan(500)
        if (response.status >= 400) {
          expect(response.headers.get('content-type')).toBe('application/problem+json')
          const problem = ProblemSchema.parse(await response.json())
          expect(problem.status).toBe(response.status)
          expect(problem.code.length).toBeGreaterThan(0)
        }
        const url = new URL(request.url)
        if (verb === 'POST' && jsonBodyRoutes.has(url.pathname)) {
          const mediaType = (type.split(';')[0] ?? '').trim().toLowerCase()
          if (mediaType !== 'application/json') expect(response.status).toBe(415)
          else if (bytes.byteLength > MAXIMUM_BODY_BYTES || (declared ?? 0) > MAXIMUM_BODY_BYTES) expect(response.status).toBe(413)
        }
      }),
      { numRuns: 2000 },
    )
    expect(unexpected).toEqual([])
    const response = await calls.fetch(postJson('http://calls.test/calls/join', { room: 'standup' }))
    expect(response.status).toBe(200)
    expect(JoinResponseSchema.parse(await response.json()).room.name).toBe('standup')
  }, 120_000)
})
