import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { JoinResponseSchema, ProblemSchema } from '@callport/core'
import { signaling } from '@callport/signaling/client'
// Not public: the Vidyo package's own token reader, imported by path for this check.
import { verifyVidyoToken } from '../../../packages/vidyo/src/server/verify-token'
// The demo is private and has no dependency on the test tools' package: their sources, by path.
import { requireTool, startJanus } from '../../../tools/test-environment/src/index'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { demoAuthorize } from '../src/demo-authorize'
import { readDemoSettings, startDemoServer, type DemoServer } from '../src/index'

const SECRET = 'demo-test-secret-0123456789-abcdefghijklmnopqrstuv'
const janusTool = requireTool('janus', 'demo on Janus')
const started: DemoServer[] = []
afterEach(async () => {
  vi.unstubAllGlobals()
  await Promise.all(started.splice(0).map((demo) => demo.close()))
})

async function start(environment: Record<string, string> = {}, provider?: string): Promise<DemoServer> {
  const demo = await startDemoServer({ port: 0, provider, environment: { CALLPORT_SIGNALING_SECRET: SECRET, ...environment } })
  started.push(demo)
  return demo
}

function join(demo: DemoServer, room: string, cookie?: string): Promise<Response> {
  return fetch(`${demo.url}/calls/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ room }),
  })
}

describe('the demo server', () => {
  it('serves the page and its bundled script, with no secret in it', async () => {
    const demo = await start()
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const page = await fetch(demo.url)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await page.text()).toContain('<script type="module" src="/app.js">')
    const script = await fetch(`${demo.url}/app.js`)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const code = await script.text()
    expect(code).toContain('callport_demo_identity')
    expect(code).toContain('on_connection')
    expect(code).not.toContain(SECRET)
    expect((await fetch(`${demo.url}/nothing-here`)).status).toBe(404)
  })

  it('refuses a join without the demo identity cookie', async () => {
    const demo = await start()
    const refused = await join(demo, 'standup')
    expect(refused.status).toBe(401)
    expect(ProblemSchema.parse(await refused.json()).code).toBe('UNAUTHORIZED')
  })

  it('issues signaling tokens whose signaling server runs on the same HTTP server', async () => {
    const demo = await start()
    const answer = await join(demo, 'standup', 'callport_demo_identity=guest-1; callport_demo_name=Ada%20Lovelace')
    expect(answer.status).toBe(200)
    const { token } = JoinResponseSchema.parse(await answer.json())
    expect(token).toMatchObject({ provider: 'signaling', room: 'standup', identity: 'guest-1', connect: { url: demo.url } })

    // The signaling client speaks socket.io over the WebSocket global, which Node 20 lacks: the ws package's stands in.
    vi.stubGlobal('WebSocket', WebSocket)
    const options = { audio: false, video: false, refreshToken: async () => token }
    const ada = await signaling().connect(token, options)
    const secondAnswer = await join(demo, 'standup', 'callport_demo_identity=guest-2; callport_demo_name=Grace')
    const second = JoinResponseSchema.parse(await secondAnswer.json()).token
    const grace = await signaling().connect(second, { ...options, refreshToken: async () => second })
    expect(grace.participants()).toEqual([expect.objectContaining({ identity: 'guest-1', name: 'Ada Lovelace' })])
    await Promise.all([ada.disconnect(), grace.disconnect()])
  })

  it('points tokens at CALLPORT_SIGNALING_URL when it is set', async () => {
    const demo = await start({ CALLPORT_SIGNALING_URL: 'https://signaling.example.com' })
    const { token } = JoinResponseSchema.parse(await (await join(demo, 'standup', 'callport_demo_identity=guest-1')).json())
    expect(token.connect.url).toBe('https://signaling.example.com')
  })

  it('runs on a vendor chosen by CALLPORT_PROVIDER, configured from its environment variables', async () => {
    const developerKey = 'demo-vidyo-developer-key-0123456789'
    const demo = await start({ VIDYO_APP_ID: 'demo.vidyo.io', VIDYO_DEVELOPER_KEY: developerKey }, readDemoSettings({ CALLPORT_PROVIDER: 'vidyo' }).provider)
    const answer = await join(demo, 'standup', 'callport_demo_identity=guest-1')
    expect(answer.status).toBe(200)
    const { token } = JoinResponseSchema.parse(await answer.json())
    expect(token).toMatchObject({ provider: 'vidyo', identity: 'guest-1', connect: { host: 'prod.vidyo.io' } })
    expect(verifyVidyoToken(token.value, { developerKey, appId: 'demo.vidyo.io' })).toMatchObject({ userName: 'guestZh1' }) // identities are alphanumeric-encoded as Vidyo user names
    const script = await (await fetch(`${demo.url}/app.js`)).text()
    expect(script).not.toContain(developerKey)
  })

  it('runs on LiveKit with LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET: the room is made through RoomService and the token is a LiveKit access token', async () => {
    const apiKey = 'APIdemoKey'
    const apiSecret = 'demo-livekit-secret-0123456789-abcdefghijklmnop'
    const liveKit = await startFakeLiveKit(apiKey, apiSecret)
    try {
      const demo = await start(
        { LIVEKIT_URL: liveKit.url, LIVEKIT_API_KEY: apiKey, LIVEKIT_API_SECRET: apiSecret },
        readDemoSettings({ CALLPORT_PROVIDER: 'livekit' }).provider,
      )
      const answer = await join(demo, 'standup', 'callport_demo_identity=guest-1; callport_demo_name=Ada%20Lovelace')
      expect(answer.status).toBe(200)
      const { room, token } = JoinResponseSchema.parse(await answer.json())
      expect(liveKit.created).toEqual(['standup'])
      expect(room).toMatchObject({ name: 'standup', provider: 'livekit', providerRoomId: 'RM_standup' })
      // The page connects to the server's WebSocket form; the token is the LiveKit JWT, signed with the API secret.
      expect(token).toMatchObject({ provider: 'livekit', room: 'standup', identity: 'guest-1', connect: { url: liveKit.url.replace(/^http/, 'ws') } })
      expect(verifyHs256(token.value, apiSecret)).toMatchObject({
        iss: apiKey,
        sub: 'guest-1',
        name: 'Ada Lovelace',
        video: { room: 'standup', roomJoin: true, canPublish: true, canSubscribe: true },
      })
      expect(verifyHs256(token.value, 'another-secret-of-the-same-length-0123456789ab')).toBeUndefined()
      const script = await (await fetch(`${demo.url}/app.js`)).text()
      expect(script).not.toContain(apiSecret)
    } finally {
      await liveKit.close()
    }
  })

  it.skipIf(!janusTool.available)(
    "runs on Janus with JANUS_URL, JANUS_TOKEN_SECRET, JANUS_ADMIN_KEY and JANUS_CLIENT_URL: the room is made on Debian's Janus, which accepts the token",
    { timeout: 60_000, meta: { skipReason: janusTool.skipReason } },
    async () => {
      const tokenSecret = 'demo-janus-token-secret-0123456789-abcdef'
      const adminKey = 'demo-videoroom-admin-key'
      const server = await startJanus({ tokenAuthSecret: tokenSecret, videoRoomAdminKey: adminKey })
      try {
        const demo = await start(
          { JANUS_URL: server.url, JANUS_TOKEN_SECRET: tokenSecret, JANUS_ADMIN_KEY: adminKey, JANUS_CLIENT_URL: 'wss://janus.example.com/' },
          readDemoSettings({ CALLPORT_PROVIDER: 'janus' }).provider,
        )
        const answer = await join(demo, 'standup', 'callport_demo_identity=guest-1; callport_demo_name=Ada%20Lovelace')
        expect(answer.status).toBe(200)
        const { room, token } = JoinResponseSchema.parse(await answer.json())
        expect(room).toMatchObject({ name: 'standup', provider: 'janus' })
        // Pages reach Janus at JANUS_CLIENT_URL (else at JANUS_URL); a publisher's token may publish; the name is the page's VideoRoom display.
        expect(token).toMatchObject({
          provider: 'janus',
          room: 'standup',
          identity: 'guest-1',
          connect: { url: 'wss://janus.example.com/', publish: true, name: 'Ada Lovelace' },
        })
        const videoRoom = token.connect.room
        expect(typeof videoRoom).toBe('number')
        // token.value is Janus's core signed token and VideoRoom's room token: Janus opens a session with the first,
        // and the room the join made exists there.
        const [coreToken, roomToken] = token.value.split(' ')
        expect(roomToken).toMatch(new RegExp(`,janus\\.plugin\\.videoroom,room=${String(videoRoom)}[,:]`))
        expect(await videoRoomExists(server.url, coreToken ?? '', Number(videoRoom))).toBe(true)
        // A token Janus did not sign is refused by Janus itself.
        const forged = `${(coreToken ?? '').split(':')[0]}:${Buffer.from('forged signature').toString('base64')}`
        expect(await janusCall(server.url, { janus: 'create', token: forged })).toMatchObject({ janus: 'error', error: { code: 403 } })
        const script = await (await fetch(`${demo.url}/app.js`)).text()
        expect(script).not.toContain(tokenSecret)
        expect(script).not.toContain(adminKey)
      } finally {
        await server.stop()
      }
    },
  )

  it.each([
    ['janus', 'JANUS_URL'],
    ['livekit', 'LIVEKIT_API_KEY'],
    ['openvidu', 'OPENVIDU_URL'],
    ['twilio', 'TWILIO_ACCOUNT_SID'],
    ['vidyo', 'VIDYO_APP_ID'],
    ['kaleyra', 'KALEYRA_API_KEY'],
  ])('refuses to start %s without its settings, naming the missing variable', async (provider, variable) => {
    await expect(start({}, provider)).rejects.toThrow(variable)
  })
})

describe('the demo authorize', () => {
  const authorize = (cookie?: string) => demoAuthorize(new Request('http://127.0.0.1/calls/join', { headers: cookie ? { cookie } : {} }), { room: 'standup' })

  it('is whoever the cookies name, a moderator only when the page was opened with ?role=moderator', async () => {
    expect(await authorize()).toBeNull()
    expect(await authorize('callport_demo_identity=guest-1; callport_demo_name=Ada%20Lovelace')).toEqual({ identity: 'guest-1', name: 'Ada Lovelace', role: 'publisher' })
    expect(await authorize('callport_demo_identity=guest-1; callport_demo_role=moderator')).toEqual({ identity: 'guest-1', name: 'guest-1', role: 'moderator' })
    expect(await authorize('callport_demo_identity=guest-1; callport_demo_role=admin')).toMatchObject({ role: 'publisher' })
  })
})

describe('demo settings', () => {
  it('defaults to 127.0.0.1:3000 and the signaling provider', () => {
    expect(readDemoSettings({})).toEqual({ host: '127.0.0.1', port: 3000, provider: 'signaling' })
    expect(readDemoSettings({ HOST: '0.0.0.0', PORT: '8080', CALLPORT_PROVIDER: 'signaling' })).toEqual({ host: '0.0.0.0', port: 8080, provider: 'signaling' })
  })

  it('says what is wrong with PORT or CALLPORT_PROVIDER', () => {
    expect(() => readDemoSettings({ PORT: 'eighty' })).toThrow('PORT must be a port number, got "eighty"')
    expect(() => readDemoSettings({ CALLPORT_PROVIDER: 'skype' })).toThrow(
      'CALLPORT_PROVIDER=skype is not supported by the demo; choose one of: signaling, openvidu, twilio, vidyo, kaleyra, livekit, janus',
    )
  })
})

/** The claims of an HS256 JWT whose signature `secret` makes, else undefined. */
function verifyHs256(jwt: string, secret: string): Record<string, unknown> | undefined {
  const [header = '', payload = '', signature = ''] = jwt.split('.')
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest()
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * As much of a LiveKit server as the demo's join needs: `CreateRoom` of RoomService over Twirp, answered
 * only for a bearer token signed with the API secret that grants `roomCreate`, as LiveKit checks it.
 * (packages/livekit/test/fake-livekit.ts is the whole fake; the demo needs one call.)
 */
async function startFakeLiveKit(apiKey: string, apiSecret: string): Promise<{ url: string; created: string[]; close(): Promise<void> }> {
  const created: string[] = []
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await bodyOf(request)
      const answer = (status: number, json: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json))
      const claims = verifyHs256((request.headers.authorization ?? '').replace(/^Bearer /, ''), apiSecret)
      if (!claims || claims.iss !== apiKey) return answer(401, { code: 'unauthenticated', msg: 'invalid token' })
      if (request.method !== 'POST' || request.url !== '/twirp/livekit.RoomService/CreateRoom') return answer(404, { code: 'bad_route', msg: `no ${request.url}` })
      if ((claims.video as { roomCreate?: boolean } | undefined)?.roomCreate !== true) return answer(403, { code: 'permission_denied', msg: 'roomCreate' })
      const { name } = JSON.parse(body) as { name: string }
      created.push(name)
      answer(200, { sid: `RM_${name}`, name, creationTime: String(Math.floor(Date.now() / 1000)) })
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, created, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

/** One request to the Janus API over its HTTP transport (`path`: `/<session>` or `/<session>/<handle>`). */
async function janusCall(url: string, body: Record<string, unknown>, path = ''): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ transaction: Math.random().toString(36).slice(2), ...body }),
  })
  return (await response.json()) as Record<string, unknown>
}

/** Asks VideoRoom whether `room` exists, through a Janus session opened with `token` (Janus's core signed token). */
async function videoRoomExists(url: string, token: string, room: number): Promise<unknown> {
  const idOf = (answer: Record<string, unknown>) => {
    const id = (answer.data as { id?: number } | undefined)?.id
    if (answer.janus !== 'success' || id === undefined) throw new Error(`Janus refused: ${JSON.stringify(answer)}`)
    return id
  }
  const session = idOf(await janusCall(url, { janus: 'create', token }))
  try {
    const handle = idOf(await janusCall(url, { janus: 'attach', plugin: 'janus.plugin.videoroom', token }, `/${session}`))
    const answer = await janusCall(url, { janus: 'message', body: { request: 'exists', room }, token }, `/${session}/${handle}`)
    return (answer.plugindata as { data?: { exists?: unknown } } | undefined)?.data?.exists
  } finally {
    await janusCall(url, { janus: 'destroy', token }, `/${session}`)
  }
}
