import { describe, expect, it } from 'vitest'
import { errorFromKaleyraResponse, errorFromKaleyraWidget } from '../src/shared/kaleyra-errors'

/** A widget error as the bundle throws them: an Error whose name is the vendor error name. */
function widgetError(name: string, message = 'from the widget'): Error {
  const error = new Error(message)
  error.name = name
  return error
}

describe('REST responses', () => {
  it.each([
    [400, 'INVALID_INPUT', false],
    [401, 'PROVIDER_REJECTED', false],
    [403, 'PROVIDER_REJECTED', false],
    [404, 'PROVIDER_REJECTED', false],
    [409, 'PROVIDER_REJECTED', false],
    [429, 'RATE_LIMITED', true],
    [500, 'PROVIDER_UNAVAILABLE', true],
    [503, 'PROVIDER_UNAVAILABLE', true],
  ] as const)('HTTP %d → %s (retryable %s), status and body kept', (status, code, retryable) => {
    const body = { message: 'vendor says no' }
    const error = errorFromKaleyraResponse(status, body, { 'x-request-id': 'r1' })
    expect(error).toMatchObject({ code, retryable, provider: 'kaleyra', vendor: { status, body, headers: { 'x-request-id': 'r1' } } })
    expect(error.message).toContain('vendor says no')
  })

  it('a documented error name in a 4xx body decides the code', () => {
    expect(errorFromKaleyraResponse(404, { error: 'user_not_found' }).code).toBe('PARTICIPANT_NOT_FOUND')
    expect(errorFromKaleyraResponse(401, { error: { code: 'access_token_invalid' } }).code).toBe('UNAUTHORIZED')
  })

  it('429 and 5xx stay transient whatever the body names', () => {
    expect(errorFromKaleyraResponse(503, { error: 'user_not_found' })).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
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
  ] as const)('%s → %s, the original kept as cause', (name, code) => {
    const original = widgetError(name)
    const error = errorFromKaleyraWidget(original)
    expect(error).toMatchObject({ code, provider: 'kaleyra', cause: original, details: { vendorError: name } })
  })

  it('reads `code` too (ExposeError-style objects)', () => {
    expect(errorFromKaleyraWidget({ code: 'browser_not_supported', message: 'old browser' }).code).toBe('UNSUPPORTED')
  })

  it('an unknown failure becomes the fallback code, not retryable', () => {
    expect(errorFromKaleyraWidget(new Error('boom'))).toMatchObject({ code: 'CONNECTION_FAILED', retryable: false })
    expect(errorFromKaleyraWidget('weird', 'UNAUTHORIZED').code).toBe('UNAUTHORIZED')
  })
})
