import { createHmac } from 'node:crypto'
import { allocateTurnRelay, requireTool, startCoturn, type CoturnServer } from '@callport/test-environment'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { signaling } from '../../src/server/index'
import { SECRET } from './harness'

const url = 'https://signaling.example.test'
const turnSecret = 'coturn-static-auth-secret-for-callport'
const urls = ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp']

afterEach(() => {
  vi.useRealTimers()
})

async function issue(adapter: ReturnType<typeof signaling>, identity = 'alice', ttlSeconds = 600) {
  return adapter.issueToken({ room: await adapter.ensureRoom({ name: 'standup' }), participant: { identity, role: 'publisher' }, ttlSeconds })
}
const iceServersOf = (token: Awaited<ReturnType<typeof issue>>) => JSON.parse(String(token.connect.iceServers)) as { urls: string[]; username: string; credential: string }[]

describe('signaling({ turn })', () => {
  it('puts TURN credentials for the participant in every token, expiring with it, signed as coturn checks them', async () => {
    const token = await issue(signaling({ secret: SECRET, url, turn: { urls, secret: turnSecret }, environmentVariables: {} }), 'alice', 900)
    const [server, ...others] = iceServersOf(token)
    expect(others).toEqual([])
    expect(server!.urls).toEqual(urls)
    expect(server!.username).toBe(`${Date.parse(token.expiresAt) / 1000}:alice`)
    expect(server!.credential).toBe(createHmac('sha1', turnSecret).update(server!.username).digest('base64'))
    expect(token.connect.url).toBe(url)
  })

  it('issues no ICE servers without turn settings', async () => {
    const token = await issue(signaling({ secret: SECRET, url, environmentVariables: {} }))
    expect(token.connect).toEqual({ url })
  })

  it('reads CALLPORT_TURN_URLS (comma-separated) and CALLPORT_TURN_SECRET when both are set', async () => {
    const environmentVariables = { CALLPORT_TURN_URLS: `${urls[0]}, ${urls[1]}`, CALLPORT_TURN_SECRET: turnSecret }
    const [server] = iceServersOf(await issue(signaling({ secret: SECRET, url, environmentVariables })))
    expect(server).toMatchObject({ urls })
    const onlyOne = await issue(signaling({ secret: SECRET, url, environmentVariables: { CALLPORT_TURN_URLS: urls[0] } }))
    expect(onlyOne.connect.iceServers).toBeUndefined()
  })

  it.each([
    [{ urls: ['stun:127.0.0.1:3478'], secret: turnSecret }, /turn\.urls\.0/],
    [{ urls: [], secret: turnSecret }, /turn\.urls/],
    [{ urls, secret: '' }, /turn\.secret/],
    [{ urls, secret: turnSecret, username: 'static' }, /turn: unknown setting "username"/],
  ])('refuses turn %j naming the problem', (turn, message) => {
    expect(() => signaling({ secret: SECRET, url, turn, environmentVariables: {} })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(message) }),
    )
  })
})

const coturnTool = requireTool('turnserver', 'signaling TURN credentials against coturn')

describe.skipIf(!coturnTool.available)("the credentials against Debian's coturn", { meta: { skipReason: coturnTool.skipReason } }, () => {
  let coturn: CoturnServer
  beforeAll(async () => {
    coturn = await startCoturn({ secret: turnSecret })
  })
  afterAll(() => coturn?.stop())

  const adapter = () => signaling({ secret: SECRET, url, turn: { urls: coturn.urls, secret: turnSecret }, environmentVariables: {} })

  it('coturn relays for a token just issued', async () => {
    const [server] = iceServersOf(await issue(adapter()))
    await expect(allocateTurnRelay({ port: coturn.port, username: server!.username, password: server!.credential })).resolves.toEqual({ ok: true, relayed: true })
  })

  it("coturn refuses them once the token's lifetime has passed", async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() - 2 * 3_600_000)
    const [server] = iceServersOf(await issue(adapter(), 'alice', 3_600))
    vi.useRealTimers()
    await expect(allocateTurnRelay({ port: coturn.port, username: server!.username, password: server!.credential })).resolves.toMatchObject({ ok: false, code: 401 })
  })

  it('coturn refuses them when another identity is put in the username', async () => {
    const [server] = iceServersOf(await issue(adapter()))
    const username = server!.username.replace(/:alice$/, ':mallory')
    await expect(allocateTurnRelay({ port: coturn.port, username, password: server!.credential })).resolves.toMatchObject({ ok: false, code: 401 })
  })
})
