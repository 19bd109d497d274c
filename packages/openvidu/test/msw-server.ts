import { setupServer } from 'msw/node'
import { afterAll, beforeAll } from 'vitest'

/**
 * One msw server per test file, refusing any request no handler answers (except to 127.0.0.1,
 * where tests run their own HTTP servers).
 */
export function useMswServer(): ReturnType<typeof setupServer> {
  const server = setupServer()
  beforeAll(() =>
    server.listen({
      onUnhandledRequest: (request, print) => {
        if (new URL(request.url).hostname !== '127.0.0.1') print.error()
      },
    }),
  )
  afterAll(() => server.close())
  return server
}
