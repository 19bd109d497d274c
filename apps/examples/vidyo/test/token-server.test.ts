import { JoinResponseSchema, ProblemSchema } from '@callport/core'
// Not public: the Vidyo package's own token reader and room-name encoder, imported by path for these checks.
import { vidyoResourceIdOf } from '../../../../packages/vidyo/src/server/resource-id'
import { verifyVidyoToken } from '../../../../packages/vidyo/src/server/verify-token'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startExampleServer, type ExampleServer } from '../src/token-server'

const vidyoAccount = { appId: 'example.vidyo.io', developerKey: 'example-developer-key-0123456789', host: 'prod.vidyo.io' }

describe('the Vidyo.io example token server', () => {
  let server: ExampleServer
  beforeAll(async () => {
    server = await startExampleServer({ vidyo: vidyoAccount, port: 0, hostname: '127.0.0.1', vidyoClientScriptUrl: '/sdk/VidyoClient.js?a=1&b="2"' })
  })
  afterAll(async () => {
    await server?.close()
  })

  const join = (room: string, user?: string): Promise<Response> =>
    fetch(`${server.url}/calls/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(user === undefined ? {} : { cookie: `example-user=${encodeURIComponent(user)}` }) },
      body: JSON.stringify({ room }),
    })

  it('listens on 127.0.0.1 on an OS-picked port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.url).not.toBe('http://127.0.0.1:3000')
  })

  it('answers POST /calls/join with a Vidyo token that verifies for the signed-in user', async () => {
    const response = await join('weekly-sync', 'Ada Lovelace')
    expect(response.status).toBe(200)
    const { room, token } = JoinResponseSchema.parse(await response.json())
    expect(room).toMatchObject({ name: 'weekly-sync', provider: 'vidyo', providerRoomId: vidyoResourceIdOf('weekly-sync') })
    expect(token.connect).toEqual({ host: 'prod.vidyo.io', resourceId: room.providerRoomId, displayName: 'Ada Lovelace' })
    const verified = verifyVidyoToken(token.value, { developerKey: vidyoAccount.developerKey, appId: vidyoAccount.appId })
    expect(verified.userName).toBe('adaZhlovelace') // identities are alphanumeric-encoded as Vidyo user names
    expect(verified.expiresAt.toISOString()).toBe(new Date(token.expiresAt).toISOString())
    expect(() => verifyVidyoToken(token.value, { developerKey: 'not-the-key' })).toThrowError(expect.objectContaining({ code: 'UNAUTHORIZED' }) as Error)
  })

  it('keeps a VidyoWorks room key as the room name and as the resourceId', async () => {
    const { room, token } = JoinResponseSchema.parse(await (await join('4IYvN1mIFA', 'Grace')).json())
    expect(room.providerRoomId).toBe('4IYvN1mIFA')
    expect(token.connect.resourceId).toBe('4IYvN1mIFA')
  })

  it('refuses anonymous requests with 401 problem details', async () => {
    const response = await join('weekly-sync')
    expect(response.status).toBe(401)
    expect(ProblemSchema.parse(await response.json()).code).toBe('UNAUTHORIZED')
  })

  it('serves the page, whose script carries no secret and no token-signing code', async () => {
    const html = await (await fetch(server.url)).text()
    expect(html).toContain('<script type="module" src="/page.js"></script>')
    expect(html).toContain('data-vidyo-client-script="/sdk/VidyoClient.js?a=1&amp;b=&quot;2&quot;"')
    const script = await (await fetch(`${server.url}/page.js`)).text()
    expect(script.length).toBeGreaterThan(1000)
    for (const secret of [vidyoAccount.developerKey, 'createHmac', 'sha384']) expect(script.includes(secret), secret).toBe(false)
    expect((await fetch(`${server.url}/elsewhere`)).status).toBe(404)
  })
})
