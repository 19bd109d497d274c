import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { CallportError } from '@callport/core'
import { basicAuthorization, readResponseBody, vendorRestSettingsShape, vendorRetryTiming, vendorTransportError, withVendorRestDefaults } from './vendor-http'

describe('readResponseBody', () => {
  it('parses JSON, keeps text that is not JSON, and answers undefined for an empty body', async () => {
    expect(await readResponseBody(new Response('{"code":53113}'))).toEqual({ code: 53113 })
    expect(await readResponseBody(new Response('Bad Gateway'))).toBe('Bad Gateway')
    expect(await readResponseBody(new Response(null, { status: 409 }))).toBeUndefined()
  })
})

describe('basicAuthorization', () => {
  it('encodes user:password as UTF-8 base64 (RFC 7617 and the OpenVidu check value)', () => {
    expect(basicAuthorization('Aladdin', 'open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')
    expect(basicAuthorization('OPENVIDUAPP', 'MY_SECRET')).toBe('Basic T1BFTlZJRFVBUFA6TVlfU0VDUkVU')
    expect(basicAuthorization('test', '123£')).toBe('Basic dGVzdDoxMjPCow==')
  })
})

describe('withVendorRestDefaults', () => {
  const defaults = { timeout: 10_000, retry: { limit: 2, initialDelay: 300, maximumDelay: 5_000 } }

  it('takes each setting given and the provider default of each one left out', () => {
    expect(withVendorRestDefaults({}, defaults)).toEqual(defaults)
    expect(withVendorRestDefaults({ timeout: 50, retry: { initialDelay: 1 } }, defaults)).toEqual({
      timeout: 50,
      retry: { limit: 2, initialDelay: 1, maximumDelay: 5_000 },
    })
  })
})

describe('vendorRestSettingsShape', () => {
  const schema = z.object(vendorRestSettingsShape)

  it('accepts a positive integer timeout and non-negative integer retry fields', () => {
    expect(schema.safeParse({ timeout: 1, retry: { limit: 0, initialDelay: 0, maximumDelay: 0 } }).success).toBe(true)
  })

  it('names the field that is wrong', () => {
    const paths = (value: unknown) => (schema.safeParse(value).error?.issues ?? []).map((issue) => issue.path.join('.'))
    expect(paths({ timeout: 0, retry: { limit: 2, initialDelay: 300, maximumDelay: 10_000 } })).toEqual(['timeout'])
    expect(paths({ timeout: 1.5, retry: { limit: -1, initialDelay: 0.5, maximumDelay: 10_000 } })).toEqual([
      'timeout',
      'retry.limit',
      'retry.initialDelay',
    ])
  })
})

describe('vendorRetryTiming', () => {
  const retry = { limit: 3, initialDelay: 300, maximumDelay: 1_000 }

  it('doubles initialDelay for each attempt and caps the backoff at maximumDelay', () => {
    const timing = vendorRetryTiming(retry)
    expect([1, 2, 3].map(timing.delay)).toEqual([300, 600, 1_200])
    expect(timing).toMatchObject({ limit: 3, backoffLimit: 1_000 })
    expect(timing).not.toHaveProperty('maxRetryAfter')
  })

  it('bounds Retry-After by maximumDelay when asked to honour it', () => {
    expect(vendorRetryTiming(retry, { honourRetryAfter: true })).toMatchObject({ maxRetryAfter: 1_000 })
  })
})

describe('vendorTransportError', () => {
  const who = { provider: 'acme', vendor: 'Acme', operation: 'creating the room standup' }
  const timeout = Object.assign(new Error('Request timed out'), { name: 'TimeoutError' })

  it('is ABORTED, with the signal reason, when the caller aborted', () => {
    const controller = new AbortController()
    const reason = new Error('gone')
    controller.abort(reason)
    expect(vendorTransportError(timeout, controller.signal, who)).toMatchObject({
      code: 'ABORTED',
      message: 'Aborted while creating the room standup',
      provider: 'acme',
      cause: reason,
    })
    expect(vendorTransportError(timeout, controller.signal, { provider: 'acme', vendor: 'Acme' }).message).toBe('The Acme request was aborted')
  })

  it('is PROVIDER_UNAVAILABLE and retryable for a timeout', () => {
    expect(vendorTransportError(timeout, undefined, who)).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      retryable: true,
      provider: 'acme',
      message: 'Acme did not answer in time while creating the room standup',
      cause: timeout,
    })
    expect(vendorTransportError(timeout, new AbortController().signal, { provider: 'acme', vendor: 'Acme' }).message).toBe('Acme did not answer in time')
  })

  it('is PROVIDER_UNAVAILABLE and retryable, naming the failure, when the vendor could not be reached', () => {
    const failure = new TypeError('fetch failed')
    expect(vendorTransportError(failure, undefined, who)).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      retryable: true,
      message: 'Acme could not be reached (fetch failed) while creating the room standup',
      cause: failure,
    })
    expect(vendorTransportError('socket hang up', undefined, { provider: 'acme', vendor: 'Acme' }).message).toBe('Acme could not be reached (socket hang up)')
  })

  it('passes a CallportError through', () => {
    const error = new CallportError('PROVIDER_REJECTED', 'no')
    expect(vendorTransportError(error, undefined, who)).toBe(error)
  })
})
