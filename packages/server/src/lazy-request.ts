/** What a lazy Request knows before its Fetch Request exists. */
export interface KnownRequestParts {
  method: string
  url: string
  /** Builds the headers, once, on first read. */
  headers: () => Headers
}

/**
 * A Request whose method, URL and headers are answered from what is already known, and whose Fetch
 * Request is built only when anything else is asked of it (its body, signal, methods, or internals
 * when it is passed to `fetch()` or `new Request()`).
 *
 * `authorize` gets one per request on the node:http path, where it usually reads a header or two:
 * building a Fetch Request costs an AbortController and a copy of the headers, which measured as a
 * large share of a POST /join (bench/join-throughput.mjs). To its reader it is a Request:
 * `instanceof Request`, every getter and method, `fetch(request)` and `new Request(request)` reach
 * the Request behind it; `request.headers` is the same Headers object before and after.
 */
export function lazyRequest(known: KnownRequestParts, build: (headers: Headers) => Request): Request {
  let headers: Headers | undefined
  let request: Request | undefined
  const headersOf = (): Headers => (headers ??= known.headers())
  const requestOf = (): Request => (request ??= build(headersOf()))

  return new Proxy(Object.create(Request.prototype) as Request, {
    get(_target, property) {
      switch (property) {
        case 'method':
          return known.method
        case 'url':
          return known.url
        case 'headers':
          return headersOf()
        case 'constructor':
          return Request
      }
      const real = requestOf()
      const value: unknown = Reflect.get(real, property, real)
      return typeof value === 'function' ? value.bind(real) : value
    },
    set(_target, property, value) {
      const real = requestOf()
      return Reflect.set(real, property, value, real)
    },
    has(_target, property) {
      return Reflect.has(requestOf(), property)
    },
  })
}
