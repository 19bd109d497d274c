import { createServer } from 'node:http'
import { InviteSchema, ProblemSchema } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { createCallServer } from '../src/index'
import { toNodeHandler } from '../src/node'
import { stubAdapter } from './stub-adapter'
import { useLocalServers } from './local-servers'

const { listen } = useLocalServers()

/** A call server whose users log in with a cookie (`session=<identity>`), as most apps do. */
function cookieServer(options: { allowedOrigins?: string[] } = {}) {
  return createCallServer({
    providers: [stubAdapter('stub')],
    basePath: '/calls',
    authorize: async (request) => {
      const identity = /(?:^|;\s*)session=(\w+)/.exec(request.headers.get('cookie') ?? '')?.[1]
      return identity ? { identity } : null
    },
    invites: { notify: async () => {} },
    rateLimits: false,
    logger: { info() {}, warn() {}, error() {} },
    ...options,
  })
}

describe('state-changing routes refuse what another origin can send without a preflight', () => {
  it('a cross-origin form post accepting an invite with the callee’s cookies is refused (415), and the invite still rings', async () => {
    const calls = cookieServer()
    const port = await listen(createServer(toNodeHandler(calls)))
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    // What <form method="post" action="http://127.0.0.1:…/calls/invites/…/accept"> on another origin sends.
    const forged = await fetch(`http://127.0.0.1:${port}/calls/invites/${invite.id}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'session=bob', origin: 'http://evil.127.0.0.1.nip.io' },
      body: '',
    })
    expect(forged.status).toBe(415)
    expect(ProblemSchema.parse(await forged.json()).code).toBe('UNSUPPORTED_MEDIA_TYPE')
    expect((await calls.getInvite({ id: invite.id, identity: 'bob' })).status).toBe('ringing')
    // A body-less POST (fetch no-cors, sendBeacon) and text/plain are refused too.
    const simpleHeaders: Record<string, string>[] = [{}, { 'content-type': 'text/plain' }, { 'content-type': 'multipart/form-data; boundary=x' }]
    for (const headers of simpleHeaders) {
      const response = await fetch(`http://127.0.0.1:${port}/calls/invites/${invite.id}/decline`, { method: 'POST', headers: { cookie: 'session=bob', ...headers } })
      expect(response.status).toBe(415)
    }
    expect((await calls.getInvite({ id: invite.id, identity: 'bob' })).status).toBe('ringing')
    // The app's own page: application/json (what @callport/client sends), or the Callport-Request header.
    const accepted = await fetch(`http://127.0.0.1:${port}/calls/invites/${invite.id}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'session=bob', 'sec-fetch-site': 'same-origin' },
      body: '{}',
    })
    expect(accepted.status).toBe(200)
    expect(InviteSchema.parse(await accepted.json()).status).toBe('accepted')
    const other = await calls.invite({ from: 'alice', to: 'bob', room: 'retro' })
    const declined = await fetch(`http://127.0.0.1:${port}/calls/invites/${other.id}/decline`, { method: 'POST', headers: { 'callport-request': '1', cookie: 'session=bob' } })
    expect(declined.status).toBe(200)
  })

  it('refuses POST /join, /rooms, /rooms/:room/tokens and /invites as a form or text/plain', async () => {
    const calls = cookieServer()
    await calls.join({ room: 'standup', participant: { identity: 'alice' } })
    for (const path of ['/join', '/rooms', '/rooms/standup/tokens', '/invites']) {
      for (const contentType of ['application/x-www-form-urlencoded', 'text/plain']) {
        const response = await calls.fetch(
          new Request(`https://app.example.com/calls${path}`, {
            method: 'POST',
            headers: { 'content-type': contentType, cookie: 'session=bob' },
            body: '{"room":"standup","to":"carol"}',
          }),
        )
        expect(response.status, `${path} as ${contentType}`).toBe(415)
      }
    }
  })

  it('refuses a request the browser marks cross-site or same-site (another origin of the site) unless its Origin is allowed', async () => {
    const allowed = 'https://app.example.com'
    const calls = cookieServer({ allowedOrigins: [allowed] })
    const join = (headers: Record<string, string>) =>
      calls.fetch(
        new Request('https://calls.example.com/calls/join', {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: 'session=bob', ...headers },
          body: '{"room":"standup"}',
        }),
      )
    for (const site of ['cross-site', 'same-site']) {
      const refused = await join({ 'sec-fetch-site': site, origin: 'https://blog.example.com' })
      expect(refused.status).toBe(403)
      expect(ProblemSchema.parse(await refused.json()).code).toBe('FORBIDDEN')
      expect((await join({ 'sec-fetch-site': site })).status).toBe(403)
      expect((await join({ 'sec-fetch-site': site, origin: allowed })).status).toBe(200)
    }
    expect((await join({ 'sec-fetch-site': 'same-origin', origin: 'https://calls.example.com' })).status).toBe(200)
    expect((await join({ 'sec-fetch-site': 'none' })).status).toBe(200)
    expect((await join({})).status).toBe(200)
  })

  it('leaves webhooks alone: vendors post forms from their own servers, and the signature authenticates them', async () => {
    const adapter = stubAdapter('stub', { webhook: { verify: async () => true, parse: async () => [] } })
    const calls = createCallServer({ providers: [adapter], authorize: async () => null, logger: { info() {}, warn() {}, error() {} } })
    const response = await calls.fetch(
      new Request('https://calls.example.com/webhooks/stub', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
        body: 'RoomSid=RM1',
      }),
    )
    expect(response.status).toBe(204)
  })

  it('refuses allowedOrigins entries that are not origins', () => {
    for (const origin of ['https://app.example.com/', 'app.example.com', 'https://app.example.com/path', '*']) {
      expect(() => cookieServer({ allowedOrigins: [origin] }), origin).toThrow(/allowedOrigins/)
    }
  })
})
