import { STATUS_CODES } from 'node:http'
import { CallportError, errorCodes, httpStatusOfCode, ProblemSchema } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { problemOf, problemResponse } from '../src/index'

describe('problem documents', () => {
  it("title every code's status as node:http's STATUS_CODES does (499 ABORTED, which has none, as 'Error')", () => {
    for (const code of errorCodes) {
      const status = httpStatusOfCode[code]
      expect(problemOf(new CallportError(code, 'x')).title, code).toBe(STATUS_CODES[status] ?? 'Error')
    }
  })

  it('carry RFC 9457 members plus code, provider and retryable, with the status of the code', async () => {
    const error = new CallportError('PROVIDER_UNAVAILABLE', 'OpenVidu did not answer', {
      provider: 'openvidu',
      vendor: { status: 503, body: { secret: 'vendor internals' } },
    })
    const response = problemResponse(error, { 'retry-after': '5' })
    expect(response.status).toBe(503)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(response.headers.get('retry-after')).toBe('5')
    const body = await response.json()
    expect(ProblemSchema.parse(body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      code: 'PROVIDER_UNAVAILABLE',
      // A vendor failure: a fixed sentence, never the vendor's text (issue 15).
      detail: 'The video provider is unavailable; try again later',
      provider: 'openvidu',
      retryable: true,
    })
    expect(JSON.stringify(body)).not.toContain('vendor internals')
  })

  it('hide the message of internal errors', () => {
    const problem = problemOf(new CallportError('INTERNAL', 'TypeError at /srv/app/secret.js:12'))
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL' })
    expect(JSON.stringify(problem)).not.toContain('secret.js')
  })

  it('list zod issues for invalid input, and nothing else from details', () => {
    const issues = [{ path: ['room'], message: 'Room name must not be empty', code: 'too_small' }]
    expect(problemOf(new CallportError('INVALID_INPUT', 'bad', { details: issues })).issues).toEqual(issues)
    expect(problemOf(new CallportError('FORBIDDEN', 'no', { details: issues })).issues).toBeUndefined()
  })
})
