import { CallportError, ProblemSchema } from '@callport/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createCallServer, type Logger } from '../src/index'
import { postJson, stubAdapter } from './stub-adapter'

/** A logger that keeps every line, as pino would get it. */
function recordingLogger() {
  const lines: { level: 'info' | 'warn' | 'error'; fields: Record<string, unknown>; message: string }[] = []
  const logger: Logger = {
    info: (fields, message) => lines.push({ level: 'info', fields, message }),
    warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
    error: (fields, message) => lines.push({ level: 'error', fields, message }),
  }
  return { logger, lines, events: (event: string) => lines.filter((line) => line.fields.event === event) }
}

const HOST = 'db-primary-7.internal.vendor-corp.example'
const TOKEN_VALUE = 'TOKEN-VALUE-3b1f9c2e'
const AUTHORIZATION = 'Bearer AUTH-SECRET-77aa01'

/** What a vendor 500 looks like once a provider wrapped it: its text (with internal host names) in the message and the body. */
function vendorFault(size: number): CallportError {
  const vendorText = `upstream connect error: ${HOST}:5432 refused; trace=${'x'.repeat(size)}`
  return new CallportError('PROVIDER_UNAVAILABLE', `Vendor answered 500: ${vendorText}`, {
    provider: 'stub',
    vendor: { status: 500, body: { message: vendorText, token: TOKEN_VALUE }, headers: { authorization: AUTHORIZATION } },
  })
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('vendor failures reach browsers as a short, fixed sentence', () => {
  it('a vendor 500 with a 2 MiB message naming an internal host answers a small problem without it', async () => {
    const adapter = stubAdapter('stub')
    adapter.failEnsure = () => vendorFault(2 * 1024 * 1024)
    const { logger, events } = recordingLogger()
    const calls = createCallServer({ providers: [adapter], authorize: async () => ({ identity: 'alice' }), logger })
    const response = await calls.fetch(postJson('https://calls.example.com/join', { room: 'standup' }))
    expect(response.status).toBe(503)
    const text = await response.text()
    expect(text.length).toBeLessThan(1024)
    expect(text).not.toContain(HOST)
    expect(text).not.toContain('xxxx')
    const problem = ProblemSchema.parse(JSON.parse(text))
    expect(problem).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'stub', retryable: true, detail: 'The video provider is unavailable; try again later' })
    // The server side keeps the vendor's text: the fault's log line names the host, bounded.
    const [fault] = events('vendor-fault')
    expect(fault?.fields).toMatchObject({ provider: 'stub', operation: 'ensureRoom', room: 'standup', code: 'PROVIDER_UNAVAILABLE', vendorStatus: 500 })
    expect(JSON.stringify(fault)).toContain(HOST)
    expect(JSON.stringify(fault).length).toBeLessThan(16 * 1024)
  })

  it('any code an adapter throws gets the fixed sentence; the server’s own errors keep their message, capped', async () => {
    const adapter = stubAdapter('stub')
    const calls = createCallServer({ providers: [adapter], authorize: async () => ({ identity: 'alice' }), logger: recordingLogger().logger })
    adapter.failIssue = () => new CallportError('PROVIDER_REJECTED', `refused by ${HOST}`, { provider: 'stub' })
    const rejected = ProblemSchema.parse(await (await calls.fetch(postJson('https://calls.example.com/join', { room: 'a' }))).json())
    expect(rejected).toMatchObject({ code: 'PROVIDER_REJECTED', provider: 'stub', retryable: false, detail: 'The video provider refused the request' })
    adapter.failIssue = () => new Error(`socket to ${HOST} reset`)
    const plain = ProblemSchema.parse(await (await calls.fetch(postJson('https://calls.example.com/join', { room: 'b' }))).json())
    expect(plain.detail).not.toContain(HOST)
    const missing = ProblemSchema.parse(await (await calls.fetch(postJson('https://calls.example.com/rooms/nowhere/tokens', {}))).json())
    expect(missing.detail).toBe('Room "nowhere" is not live')
  })
})

describe('logger', () => {
  it('logs one line per failed join (vendor 503, 401), vendor fault, refused webhook and rate-limit hit, with provider, room, code and latency', async () => {
    const webhook = { verify: async () => false, parse: async () => [] }
    const adapter = stubAdapter('stub', { webhook })
    const { logger, lines, events } = recordingLogger()
    const calls = createCallServer({
      providers: [adapter],
      authorize: async (request) => (request.headers.get('authorization') === AUTHORIZATION ? { identity: 'alice' } : null),
      logger,
      rateLimits: { joins: { limit: 3, windowSeconds: 60 } },
    })
    const join = (room: string, authorization = AUTHORIZATION) =>
      calls.fetch(postJson('https://calls.example.com/join', { room }, { authorization, cookie: `session=${TOKEN_VALUE}` }))

    adapter.failEnsure = () => vendorFault(100)
    expect((await join('down')).status).toBe(503)
    adapter.failEnsure = undefined
    expect((await join('standup', 'Bearer wrong')).status).toBe(401)
    const ok = await join('standup')
    expect(ok.status).toBe(200)
    const token = ((await ok.json()) as { token: { value: string } }).token.value
    expect(
      (await calls.fetch(new Request('https://calls.example.com/webhooks/stub', { method: 'POST', headers: { authorization: AUTHORIZATION }, body: TOKEN_VALUE }))).status,
    ).toBe(403)
    expect((await join('standup')).status).toBe(200)
    const limited = await join('standup')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)

    const failedJoins = events('join-failed')
    expect(failedJoins.map((line) => line.fields.code)).toEqual(['PROVIDER_UNAVAILABLE', 'UNAUTHORIZED'])
    expect(failedJoins[0]).toMatchObject({ level: 'error', fields: { room: 'down', provider: 'stub', status: 503, route: 'POST /join' } })
    expect(failedJoins[1]).toMatchObject({ level: 'warn', fields: { room: 'standup', status: 401 } })
    for (const line of failedJoins) expect(line.fields.latency).toEqual(expect.any(Number))
    expect(events('vendor-fault')).toHaveLength(1)
    expect(events('vendor-fault')[0]?.fields.latency).toEqual(expect.any(Number))
    expect(events('webhook-refused')).toMatchObject([{ level: 'warn', fields: { provider: 'stub', code: 'FORBIDDEN', status: 403 } }])
    expect(events('rate-limited')).toMatchObject([{ level: 'warn', fields: { limit: 'joins', identity: 'alice', room: 'standup', maximum: 3 } }])

    // No token, secret, cookie or Authorization header in any line.
    const everything = JSON.stringify(lines)
    for (const secret of [TOKEN_VALUE, AUTHORIZATION, 'AUTH-SECRET', token]) expect(everything).not.toContain(secret)
  })

  it('logs for calls.join too, and the default logger prints one JSON line per entry', async () => {
    const adapter = stubAdapter('stub')
    adapter.failIssue = () => vendorFault(10)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const calls = createCallServer({ providers: [adapter], authorize: async () => null })
    await expect(calls.join({ room: 'standup', participant: { identity: 'alice' } })).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' })
    const printed = [...warn.mock.calls, ...error.mock.calls].map(([line]) => String(line))
    expect(printed).toHaveLength(2)
    for (const line of printed) expect(line).not.toContain('\n')
    const parsed = printed.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(parsed.map((line) => line.event).sort()).toEqual(['join-failed', 'vendor-fault'])
    expect(parsed.find((line) => line.event === 'join-failed')).toMatchObject({ level: 'error', route: 'calls.join', room: 'standup', identity: 'alice', provider: 'stub' })
    expect(printed.join('')).not.toContain(TOKEN_VALUE)
    expect(printed.join('')).not.toContain(AUTHORIZATION)
  })

  it('still calls the deprecated onError with unexpected errors, and refuses a logger without the three methods', async () => {
    const errors: unknown[] = []
    const { logger, events } = recordingLogger()
    const calls = createCallServer({
      providers: [stubAdapter('stub')],
      authorize: async () => {
        throw new Error('database gone')
      },
      logger,
      onError: (caught) => errors.push(caught),
    })
    expect((await calls.fetch(postJson('https://calls.example.com/join', { room: 'standup' }))).status).toBe(500)
    expect(errors).toHaveLength(1)
    expect(events('internal-error')).toHaveLength(1)
    expect(() => createCallServer({ providers: [stubAdapter('stub')], authorize: async () => null, logger: { info() {} } as never })).toThrow(/logger/)
    expect(() => createCallServer({ providers: [stubAdapter('stub')], authorize: async () => null, compat: {} } as never)).toThrow(/unknown option "compat"/)
  })
})
