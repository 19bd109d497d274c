import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'

/**
 * For tests that start real node:http servers: `listen(server)` listens on 127.0.0.1 on a free
 * port and returns it; `defer(close)` registers any other clean-up. Everything closes after each
 * test, last registered first.
 */
export function useLocalServers() {
  const closers: (() => Promise<void>)[] = []
  afterEach(async () => {
    while (closers.length > 0) await closers.pop()!()
  })
  return {
    defer(close: () => Promise<void>): void {
      closers.push(close)
    },
    async listen(server: Server): Promise<number> {
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      closers.push(async () => {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
      })
      return (server.address() as AddressInfo).port
    },
  }
}
