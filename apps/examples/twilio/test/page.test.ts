import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createTokenServer } from '../src/token-server'

// The page a fresh clone serves with `npm run example:twilio`, started here with fake credentials
// (no request reaches Twilio: the join itself is covered, against a fake of its REST API, by the other test file).
const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

type Server = ReturnType<typeof createTokenServer>['server']

async function start(): Promise<string> {
  const { server } = createTokenServer({
    accountSid: `AC${'1'.repeat(32)}`,
    apiKeySid: `SK${'2'.repeat(32)}`,
    apiKeySecret: 'fake-api-key-secret',
    authToken: 'fake-auth-token',
  })
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('the Twilio example page', () => {
  it('serves GET / and its script, bundled from the sources with the twilio client adapter', { timeout: 60_000 }, async () => {
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
    expect(code.includes('twilio-video is not available'), 'the twilio client adapter is in the bundle').toBe(true)
    expect(code.includes('fake-api-key-secret'), 'no secret in the page').toBe(false)
  })

  it('leaves other requests to the call server', async () => {
    const origin = await start()
    const response = await fetch(`${origin}/calls/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"room":"standup"}' })
    expect(response.status).toBe(401) // no user: refused before Twilio is asked anything
  })
})
