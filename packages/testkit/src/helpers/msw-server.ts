import type { RequestHandler } from 'msw'
import { setupServer, type SetupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'

/**
 * An msw server for the enclosing `describe` (or file) of a vitest test: it listens before the
 * first test with `onUnhandledRequest: 'error'` (a request no handler answers fails the test),
 * drops the handlers a test added with `server.use(…)` after each test, and closes after the last.
 * `handlers` stay for every test. Needs `msw` (an optional peer dependency of the testkit).
 *
 * @example
 * const server = useMswServer(http.post('https://api.vendor.test/rooms', () => HttpResponse.json({ id: 'RM1' })))
 * it('answers 503', async () => {
 *   server.use(http.post('https://api.vendor.test/rooms', () => new HttpResponse(null, { status: 503 })))
 *   …
 * })
 */
export function useMswServer(...handlers: RequestHandler[]): SetupServer {
  const server = setupServer(...handlers)
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
  return server
}
