import { describe, expect, it } from 'vitest'
import { CallportError, errorCodes, httpStatusOfCode, throwIfAborted, toCallportError } from './index'

describe('CallportError', () => {
  it('carries code, provider, retryable, cause and vendor response', () => {
    const cause = new Error('socket hang up')
    const error = new CallportError('PROVIDER_UNAVAILABLE', 'OpenVidu did not answer', {
      provider: 'openvidu',
      cause,
      vendor: { status: 503, body: { message: 'down' } },
    })
    expect(error).toBeInstanceOf(Error)
    expect(error.code).toBe('PROVIDER_UNAVAILABLE')
    expect(error.provider).toBe('openvidu')
    expect(error.retryable).toBe(true)
    expect(error.cause).toBe(cause)
    expect(error.vendor).toEqual({ status: 503, body: { message: 'down' } })
    expect(error.status).toBe(503)
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'PROVIDER_UNAVAILABLE',
      message: 'OpenVidu did not answer',
      provider: 'openvidu',
      retryable: true,
    })
  })

  it('defaults retryable by code and lets the caller override it', () => {
    expect(new CallportError('INVALID_INPUT', 'x').retryable).toBe(false)
    expect(new CallportError('RATE_LIMITED', 'x').retryable).toBe(true)
    expect(new CallportError('PROVIDER_UNAVAILABLE', 'x', { retryable: false }).retryable).toBe(false)
  })

  it('isInstance recognizes errors from another copy of the module, and nothing else', async () => {
    // A second, separately evaluated copy of the module, as a duplicate install would load it.
    const copy = (await import('./errors?second-copy')) as typeof import('./errors')
    const foreign = new copy.CallportError('INTERNAL', 'x')
    expect(foreign).not.toBeInstanceOf(CallportError)
    expect(CallportError.isInstance(foreign)).toBe(true)
    expect(copy.CallportError.isInstance(new CallportError('INTERNAL', 'x'))).toBe(true)
    expect(CallportError.isInstance(new Error('x'))).toBe(false)
    expect(CallportError.isInstance({ code: 'INTERNAL' })).toBe(false)
    expect(CallportError.isInstance(null)).toBe(false)
  })

  it('maps every code to an HTTP status', () => {
    for (const code of errorCodes) {
      expect(httpStatusOfCode[code]).toBeGreaterThanOrEqual(400)
    }
  })

  it('toCallportError keeps CallportErrors, turns aborts into ABORTED and wraps the rest', () => {
    const original = new CallportError('FORBIDDEN', 'no')
    expect(toCallportError(original)).toBe(original)
    const abort = new DOMException('aborted', 'AbortError')
    expect(toCallportError(abort).code).toBe('ABORTED')
    const wrapped = toCallportError(new TypeError('boom'), { provider: 'twilio' })
    expect(wrapped.code).toBe('INTERNAL')
    expect(wrapped.provider).toBe('twilio')
    expect(wrapped.cause).toBeInstanceOf(TypeError)
  })

  it('throwIfAborted throws only for an aborted signal', () => {
    expect(() => throwIfAborted(undefined)).not.toThrow()
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow()
    const controller = new AbortController()
    controller.abort()
    expect(() => throwIfAborted(controller.signal)).toThrowError(expect.objectContaining({ code: 'ABORTED' }))
  })
})
