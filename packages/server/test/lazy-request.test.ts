import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { lazyRequest } from '../src/lazy-request'

function counted(init: { method?: string; body?: string } = {}) {
  const built: Request[] = []
  let headersMade = 0
  const request = lazyRequest(
    {
      method: init.method ?? 'POST',
      url: 'http://127.0.0.1:8080/calls/join?x=1',
      headers: () => {
        headersMade += 1
        return new Headers([
          ['Authorization', 'Bearer abc'],
          ['Cookie', 'session=1'],
        ])
      },
    },
    (headers) => {
      const real = new Request('http://127.0.0.1:8080/calls/join?x=1', { method: init.method ?? 'POST', headers, body: init.body ?? null })
      built.push(real)
      return real
    },
  )
  return { request, built, headersMade: () => headersMade }
}

describe('lazyRequest', () => {
  it('answers method, URL and headers without building a Request', () => {
    const { request, built, headersMade } = counted()
    expect(request.method).toBe('POST')
    expect(request.url).toBe('http://127.0.0.1:8080/calls/join?x=1')
    expect(request.headers.get('authorization')).toBe('Bearer abc')
    expect(request.headers.get('cookie')).toBe('session=1')
    expect(request.headers).toBe(request.headers)
    expect(headersMade()).toBe(1)
    expect(built).toHaveLength(0)
  })

  it('is a Request to instanceof, constructor and toString', () => {
    const { request, built } = counted()
    expect(request).toBeInstanceOf(Request)
    expect(request.constructor).toBe(Request)
    expect(Object.prototype.toString.call(request)).toBe('[object Request]')
    expect(built.length).toBeLessThanOrEqual(1)
  })

  it('builds the Request once, on first use of anything else, with the same headers', async () => {
    const { request, built } = counted({ body: '{"room":"standup"}' })
    expect(request.headers.get('authorization')).toBe('Bearer abc')
    expect(await request.text()).toBe('{"room":"standup"}')
    expect(request.bodyUsed).toBe(true)
    expect(request.signal).toBeInstanceOf(AbortSignal)
    expect(built).toHaveLength(1)
    expect(built[0]!.headers.get('authorization')).toBe('Bearer abc')
  })

  it('can be cloned, copied into a new Request and passed where a Request is read', async () => {
    const { request } = counted({ body: 'hello' })
    const clone = request.clone()
    expect(clone).toBeInstanceOf(Request)
    expect(await clone.text()).toBe('hello')
    const copy = new Request(request)
    expect(copy.method).toBe('POST')
    expect(copy.url).toBe('http://127.0.0.1:8080/calls/join?x=1')
    expect(copy.headers.get('cookie')).toBe('session=1')
    expect(await copy.text()).toBe('hello')
  })

  it('shows as the Request behind it when inspected', () => {
    const { request } = counted()
    const shown = inspect(request)
    expect(shown).toMatch(/^Request \{/)
    expect(shown).toContain("url: 'http://127.0.0.1:8080/calls/join?x=1'")
  })

  it('reports the members a Request has', () => {
    const { request } = counted({ method: 'GET' })
    expect('headers' in request).toBe(true)
    expect('arrayBuffer' in request).toBe(true)
    expect('nothing-like-this' in request).toBe(false)
  })
})
