import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'

export interface ExamplePageTest {
  /** The vendor as the test names say it: `the <vendor> example page`. */
  vendor: string
  /** The client adapter's name, e.g. `twilio`. */
  adapter: string
  /** The example's server, made with fake credentials (not listening yet). */
  create: () => { server: Server }
  /** A string only the client adapter's code has: proof that it is in the page's bundle. */
  adapterMarker: string
  /** The fake secret given to `create`, which must not be in the page. */
  secret: string
}

/**
 * The page a fresh clone serves with `npm run example:<vendor>`, started with fake credentials (no request
 * reaches the vendor: the join itself is covered, against a fake of its REST API, by the example's other tests).
 */
export function describeExamplePage({ vendor, adapter, create, adapterMarker, secret }: ExamplePageTest): void {
  const servers: Server[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  async function start(): Promise<string> {
    const { server } = create()
    servers.push(server)
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  describe(`the ${vendor} example page`, () => {
    it(`serves GET / and its script, bundled from the sources with the ${adapter} client adapter`, { timeout: 60_000 }, async () => {
      const origin = await start()
      const page = await fetch(origin)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const html = await page.text()
      expect(html).toContain('<form id="join">')
      expect(html).toContain('<script type="module" src="/page.js"></script>')

      const script = await fetch(`${origin}/page.js`)
      expect(script.status).toBe(200)
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
      const code = await script.text()
      // Checked without printing the bundle on a failure.
      expect(code.includes('/calls/join'), 'the page asks /calls/join for its token').toBe(true)
      expect(code.includes(adapterMarker), `the ${adapter} client adapter is in the bundle`).toBe(true)
      expect(code.includes(secret), 'no secret in the page').toBe(false)
    })

    it('leaves other requests to the call server', async () => {
      const origin = await start()
      const response = await fetch(`${origin}/calls/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"room":"standup"}' })
      expect(response.status).toBe(401) // no user: refused before the vendor is asked anything
    })
  })
}
