import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createKaleyraRestClient } from '../src/server/rest-client'
import { resolveKaleyraSettings } from '../src/server/settings'
import { describeKaleyraError, errorFromKaleyraWidget } from '../src/shared/kaleyra-errors'
import { rejection } from './rejection'

/** A widget error as the bundle throws them: an Error whose name is the vendor error name. */
function widgetError(name: string, message = 'from the widget'): Error {
  const error = new Error(message)
  error.name = name
  return error
}

const baseUrl = 'https://api.sandbox.eu.bandyer.com'
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

/** One POST through the Kaleyra REST client, answered with `status` and `body`. */
function failWith(status: number, body: unknown, headers: Record<string, string> = {}) {
  server.use(http.post(`${baseUrl}/rest/anything`, () => HttpResponse.json(body as Record<string, unknown>, { status, headers })))
  const rest = createKaleyraRestClient(resolveKaleyraSettings({ apiKey: 'k', appId: 'a', retry: { limit: 0 } }))
  return rejection(rest.request({ method: 'POST', path: '/rest/anything', body: { json: {} }, operation: 'testing' }))
}

describe('REST responses', () => {
  // The shared status table: a 404 is NOT_FOUND unless the request names what is missing
  // (before the shared table, Kaleyra's own table said PROVIDER_REJECTED).
  it.each([
    [400, 'INVALID_INPUT', false],
    [401, 'PROVIDER_REJECTED', false],
    [403, 'PROVIDER_REJECTED', false],
    [404, 'NOT_FOUND', false],
    [409, 'PROVIDER_REJECTED', false],
    [429, 'RATE_LIMITED', true],
    [500, 'PROVIDER_UNAVAILABLE', true],
    [503, 'PROVIDER_UNAVAILABLE', true],
  ] as const)('HTTP %d → %s (retryable %s), status and body kept', async (status, code, retryable) => {
    const body = { message: 'vendor says no' }
    const error = await failWith(status, body, { 'x-request-id': 'r1' })
    expect(error).toMatchObject({ code, retryable, provider: 'kaleyra', vendor: { status, body, headers: { 'x-request-id': 'r1' } } })
    expect(error.message).toContain('vendor says no')
  })

  it('a documented error name in a 4xx body decides the code', async () => {
    expect((await failWith(404, { error: 'user_not_found' })).code).toBe('PARTICIPANT_NOT_FOUND')
    expect((await failWith(401, { error: { code: 'access_token_invalid' } })).code).toBe('UNAUTHORIZED')
    expect(describeKaleyraError({ status: 404, body: { error: 'user_not_found', message: 'no such user' } })).toMatchObject({
      code: 'PARTICIPANT_NOT_FOUND',
      details: { vendorError: 'user_not_found' },
      detail: expect.stringContaining('no such user'),
    })
  })

  it('429 and 5xx stay transient whatever the body names', async () => {
    expect(await failWith(503, { error: 'user_not_found' })).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
  })
})

describe('widget errors', () => {
  it.each([
    ['access_token_expired', 'TOKEN_EXPIRED'],
    ['access_token_invalid', 'UNAUTHORIZED'],
    ['access_token_invalid_signature', 'UNAUTHORIZED'],
    ['access_token_invalid_user', 'UNAUTHORIZED'],
    ['user_not_found', 'PARTICIPANT_NOT_FOUND'],
    ['app_id_invalid', 'INVALID_INPUT'],
    ['browser_not_supported', 'UNSUPPORTED'],
    ['client_already_exists', 'CONNECTION_FAILED'],
    ['invalid_access_link', 'ROOM_NOT_FOUND'],
    ['user_not_associated_to_link', 'FORBIDDEN'],
    ['internal_server_error', 'PROVIDER_UNAVAILABLE'],
    ['join_url_mtm', 'ROOM_FULL'],
  ] as const)('%s → %s, the original kept as cause', (name, code) => {
    const original = widgetError(name)
    const error = errorFromKaleyraWidget(original)
    expect(error).toMatchObject({ code, provider: 'kaleyra', cause: original, details: { vendorError: name } })
  })

  it('join_url_mtm says that a Kaleyra call takes at most two participants', () => {
    expect(errorFromKaleyraWidget(widgetError('join_url_mtm')).message).toContain('at most 2 participants')
  })

  it('widget 2.7.5 ExposeError wrapping Error("join_call_invalid_mtm") (no code, the name only in the message): ROOM_FULL', () => {
    // bandyer-widget.min.js 2.7.5, switchboard joinCallURL: `throw o.hangUp(), new Error(S.JOIN_CALL_INVALID_MTM)`,
    // then callOperations.joinCallURL rethrows `new ExposeError(error)` (name = code = error.code, message kept).
    const exposed = Object.assign(new Error('join_call_invalid_mtm'), { name: undefined, code: undefined })
    expect(errorFromKaleyraWidget(exposed)).toMatchObject({ code: 'ROOM_FULL', details: { vendorError: 'join_call_invalid_mtm' } })
  })

  it('reads `code` too (ExposeError-style objects)', () => {
    expect(errorFromKaleyraWidget({ code: 'browser_not_supported', message: 'old browser' }).code).toBe('UNSUPPORTED')
  })

  it('an unknown failure becomes the fallback code, not retryable', () => {
    expect(errorFromKaleyraWidget(new Error('boom'))).toMatchObject({ code: 'CONNECTION_FAILED', retryable: false })
    expect(errorFromKaleyraWidget('weird', 'UNAUTHORIZED').code).toBe('UNAUTHORIZED')
  })
})
