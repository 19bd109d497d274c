import type { JoinResponse } from '@callport/core'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSession } from '../src/index'
import { TOKEN_REQUEST_TIMEOUT_MS } from '../src/token-request'
import { createTokenSource } from '../src/token-source'
import { makeToken, rejectionOf, stubAdapter } from './helpers'

const JOIN_URL = 'https://app.example.test/calls/join'
const server = setupServer()

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

function joinResponse(room: string): JoinResponse {
  const token = makeToken({ room })
  return { room: { name: room, provider: token.provider, providerRoomId: token.providerRoomId, createdAt: '2030-01-01T08:00:00Z' }, token }
}

const fetchJoin = createTokenSource(JOIN_URL)
const live = new AbortController().signal

describe('token URL', () => {
  it('POSTs { room } as JSON and returns the validated join response', async () => {
    const answer = joinResponse('standup')
    let received: { contentType: string | null; body: unknown } | undefined
    server.use(
      http.post(JOIN_URL, async ({ request }) => {
        received = { contentType: request.headers.get('content-type'), body: await request.json() }
        return HttpResponse.json(answer)
      }),
    )
    await expect(fetchJoin('standup', live)).resolves.toEqual(answer)
    expect(received).toEqual({ contentType: 'application/json', body: { room: 'standup' } })
  })

  it('accepts a bare Token and derives the room from it', async () => {
    const token = makeToken({ room: 'standup' })
    server.use(http.post(JOIN_URL, () => HttpResponse.json(token)))
    await expect(fetchJoin('standup', live)).resolves.toEqual({
      room: { name: 'standup', provider: token.provider, providerRoomId: token.providerRoomId },
      token,
    })
  })

  it('turns a problem+json 401 into UNAUTHORIZED, keeping status and body', async () => {
    const problem = { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'UNAUTHORIZED', detail: 'Sign in to join calls' }
    server.use(http.post(JOIN_URL, () => HttpResponse.json(problem, { status: 401, headers: { 'content-type': 'application/problem+json' } })))
    const error = await rejectionOf(fetchJoin('standup', live))
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', message: 'Sign in to join calls', retryable: false, vendor: { status: 401, body: problem } })
  })

  it('keeps a retryable flag the problem states', async () => {
    const problem = { type: 'about:blank', title: 'Provider down', status: 503, code: 'PROVIDER_UNAVAILABLE', retryable: false, provider: 'twilio' }
    server.use(http.post(JOIN_URL, () => HttpResponse.json(problem, { status: 503, headers: { 'content-type': 'application/problem+json' } })))
    const error = await rejectionOf(fetchJoin('standup', live))
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: false, provider: 'twilio', message: 'Provider down' })
  })

  it('falls back to the status when a problem names a code outside the closed union', async () => {
    const problem = { type: 'about:blank', title: 'Conflict', status: 409, code: 'ROOM_LOCKED' }
    server.use(http.post(JOIN_URL, () => HttpResponse.json(problem, { status: 409, headers: { 'content-type': 'application/problem+json' } })))
    expect(await rejectionOf(fetchJoin('standup', live))).toMatchObject({ code: 'CONFLICT', retryable: false, vendor: { status: 409, body: problem } })
    server.use(
      http.post(JOIN_URL, () => HttpResponse.json({ ...problem, status: 429, code: 'SLOW_DOWN' }, { status: 429, headers: { 'content-type': 'application/problem+json' } })),
    )
    expect(await rejectionOf(fetchJoin('standup', live))).toMatchObject({ code: 'RATE_LIMITED', retryable: true })
  })

  it('maps a plain HTTP error by its status, retryable for 5xx', async () => {
    server.use(http.post(JOIN_URL, () => new HttpResponse('upstream timeout', { status: 504 })))
    const error = await rejectionOf(fetchJoin('standup', live))
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, vendor: { status: 504, body: 'upstream timeout' } })
    server.use(http.post(JOIN_URL, () => HttpResponse.json({ message: 'nope' }, { status: 403 })))
    expect(await rejectionOf(fetchJoin('standup', live))).toMatchObject({ code: 'FORBIDDEN', retryable: false, vendor: { status: 403 } })
  })

  it('refuses an invalid answer with INVALID_INPUT naming the wrong fields', async () => {
    const answer = joinResponse('standup')
    const broken = { ...answer, token: { ...answer.token, expiresAt: 'tomorrow', identity: undefined } }
    server.use(http.post(JOIN_URL, () => HttpResponse.json(broken)))
    const error = await rejectionOf(fetchJoin('standup', live))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('join response')
    expect(error.message).toContain('token.expiresAt: Expected an ISO 8601 date-time with a time zone')
    expect(error.message).toContain('token.identity: invalid_type')
    expect(error.message).not.toContain('token.value')
  })

  it('refuses an answer that is not JSON at all', async () => {
    server.use(http.post(JOIN_URL, () => new HttpResponse('<html>login</html>', { headers: { 'content-type': 'text/html' } })))
    const error = await rejectionOf(fetchJoin('standup', live))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('Invalid token')
  })

  it('reports a network failure as CONNECTION_FAILED, retryable', async () => {
    server.use(http.post(JOIN_URL, () => HttpResponse.error()))
    const error = await rejectionOf(fetchJoin('standup', live))
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
    expect(error.message).toContain(JOIN_URL)
  })

  it('gives up on an endpoint that does not answer, as CONNECTION_FAILED, retryable', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      let arrived = false
      server.use(
        http.post(JOIN_URL, () => {
          arrived = true
          return new Promise<Response>(() => {})
        }),
      )
      const pending = rejectionOf(fetchJoin('standup', live))
      await vi.waitFor(() => expect(arrived).toBe(true))
      await vi.advanceTimersByTimeAsync(TOKEN_REQUEST_TIMEOUT_MS)
      const error = await pending
      expect(error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
      expect(error.message).toContain('timed out')
    } finally {
      vi.useRealTimers()
    }
  })

  it('reports ABORTED when the signal fires while the request is under way', async () => {
    const controller = new AbortController()
    server.use(
      http.post(JOIN_URL, () => {
        controller.abort()
        return new Promise<Response>(() => {})
      }),
    )
    expect((await rejectionOf(fetchJoin('standup', controller.signal))).code).toBe('ABORTED')
  })

  it('joins through a token URL end to end', async () => {
    server.use(http.post(JOIN_URL, async ({ request }) => HttpResponse.json(joinResponse(((await request.json()) as { room: string }).room))))
    const adapter = stubAdapter()
    const session = createSession({ adapters: [adapter], token: JOIN_URL })
    const room = await session.join('retro')
    expect(room.createdAt).toBe('2030-01-01T08:00:00Z')
    expect(adapter.last().token.room).toBe('retro')
    await session.leave()
  })
})

describe('token function', () => {
  it('validates what the function returns', async () => {
    const source = createTokenSource(async () => ({ ...makeToken(), provider: '' }))
    const error = await rejectionOf(source('standup', live))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('provider')
  })

  it('passes the room and signal, and wraps a plain failure as CONNECTION_FAILED', async () => {
    const seen: Array<{ room: string; signal: AbortSignal }> = []
    const source = createTokenSource(async (request) => {
      seen.push(request)
      throw new TypeError('Failed to fetch')
    })
    const error = await rejectionOf(source('standup', live))
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true, message: 'Failed to fetch' })
    expect(seen).toEqual([{ room: 'standup', signal: live }])
  })
})
