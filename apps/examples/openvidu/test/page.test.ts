import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createAppServer } from '../src/app-server'

// The page a fresh clone serves with `npm run example:openvidu`, started here with fake credentials
// (no request reaches OpenVidu: the join itself is covered, against a fake of its REST API, by the other test file).
const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

type Server = ReturnType<typeof createAppServer>['server']

async function start(): Promise<string> {
  const { server } = createAppServer({ url: 'http://127.0.0.1:1', secret: 'FAKE_SECRET' })
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('the OpenVidu example page', () => {
  it('serves GET / and its script, bundled from the sources with the openvidu client adapter', { timeout: 60_000 }, async () => {
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
    expect(code.includes('openvidu-browser is not available'), 'the openvidu client adapter is in the bundle').toBe(true)
    expect(code.includes('FAKE_SECRET'), 'no secret in the page').toBe(false)
  })

  it('leaves other requests to the call server', async () => {
    const origin = await start()
    const response = await fetch(`${origin}/calls/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"room":"standup"}' })
    expect(response.status).toBe(401) // no user: refused before OpenVidu is asked anything
  })
})
