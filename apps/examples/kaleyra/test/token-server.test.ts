import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { JoinResponseSchema, ProblemSchema } from '@callport/core'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTokenServer } from '../src/token-server'

/** Kaleyra's REST API, faked as its documentation describes it. */
const kaleyraBase = 'https://api.sandbox.eu.bandyer.com'
const apiKey = 'ak_example_secret'
const vendorRequests: { path: string; apiKey: string | null; body: unknown }[] = []

const kaleyraApi = setupServer(
  http.post(`${kaleyraBase}/rest/room/create`, async ({ request }) => {
    const body = (await request.json()) as { participants: { user_id: string; is_admin: boolean }[] }
    vendorRequests.push({ path: '/rest/room/create', apiKey: request.headers.get('apikey'), body })
    return HttpResponse.json({
      room: {
        room_id: 'room_example_1',
        user_urls: body.participants.map(({ user_id, is_admin }) => ({
          user: user_id,
          url: `https://sandbox.bandyer.com/eu/direct-rest-call-handler/link-${user_id}`,
          tools: {},
          is_admin,
        })),
      },
    })
  }),
  http.post(`${kaleyraBase}/rest/sdk/credentials`, async ({ request }) => {
    const body = (await request.json()) as { user_id: string; expires_in: number }
    vendorRequests.push({ path: '/rest/sdk/credentials', apiKey: request.headers.get('apikey'), body })
    if (request.headers.get('apikey') !== apiKey) return HttpResponse.json({ error: 'unauthorized', message: 'Invalid apikey' }, { status: 401 })
    return HttpResponse.json({
      access_token: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ user: body.user_id })).toString('base64url')}.c2ln`,
      expires_at: new Date(Date.now() + body.expires_in * 1000).toISOString(),
      user_id: body.user_id,
    })
  }),
)

let origin: string
let close: () => Promise<void>

async function start(settings: { apiKey: string }) {
  const { server } = createTokenServer({ ...settings, appId: 'wAppId_example', region: 'eu', environment: 'sandbox' })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

const join = (room: string, user?: string) =>
  fetch(`${origin}/calls/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(user ? { 'x-user-id': user } : {}) },
    body: JSON.stringify({ room }),
  })

beforeAll(() =>
  kaleyraApi.listen({
    onUnhandledRequest: (request, print) => {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error()
    },
  }),
)
afterAll(() => kaleyraApi.close())
beforeEach(() => {
  vendorRequests.length = 0
})
afterEach(() => close())

describe('the Kaleyra token server', () => {
  it('POST /calls/join answers {room, token} with a Kaleyra access token and the user room link', async () => {
    await start({ apiKey })
    const response = await join('standup', 'alice')
    expect(response.status).toBe(200)
    const { room, token } = JoinResponseSchema.parse(await response.json())
    expect(room).toMatchObject({ name: 'standup', provider: 'kaleyra' })
    expect(token).toMatchObject({ provider: 'kaleyra', room: 'standup', identity: 'alice' })
    expect(token.connect).toMatchObject({
      appId: 'wAppId_example',
      region: 'eu',
      environment: 'sandbox',
      roomUrl: 'https://sandbox.bandyer.com/eu/direct-rest-call-handler/link-alice',
    })
    expect(Date.parse(token.expiresAt) - Date.now()).toBeGreaterThan(3500_000)
    // Credentials first (a refused user leaves no Kaleyra room behind), then the room the first join creates.
    expect(vendorRequests).toEqual([
      { path: '/rest/sdk/credentials', apiKey, body: { user_id: 'alice', expires_in: 3600 } },
      { path: '/rest/room/create', apiKey, body: { participants: [{ user_id: 'alice', is_admin: false }], description: 'Callport room standup' } },
    ])
  })

  it('refuses an anonymous request with 401 and asks Kaleyra nothing', async () => {
    await start({ apiKey })
    const response = await join('standup')
    expect(response.status).toBe(401)
    expect(ProblemSchema.parse(await response.json()).code).toBe('UNAUTHORIZED')
    expect(vendorRequests).toEqual([])
  })

  it('a user id Kaleyra cannot take is a 400, before any vendor request', async () => {
    await start({ apiKey })
    const response = await join('standup', 'alice smith')
    expect(response.status).toBe(400)
    expect(ProblemSchema.parse(await response.json())).toMatchObject({ code: 'INVALID_INPUT', provider: 'kaleyra' })
    expect(vendorRequests).toEqual([])
  })

  it('a refused API key becomes a problem with PROVIDER_REJECTED, not a 401 for the user', async () => {
    await start({ apiKey: 'not-the-key' })
    const response = await join('standup', 'alice')
    expect(response.headers.get('content-type')).toContain('application/problem+json')
    const problem = ProblemSchema.parse(await response.json())
    expect(problem).toMatchObject({ code: 'PROVIDER_REJECTED', provider: 'kaleyra', retryable: false })
    expect(response.status).toBe(502)
    expect(JSON.stringify(problem)).not.toContain('not-the-key')
  })
})
