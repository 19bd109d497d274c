import { createHmac, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireTool, startJanus, type JanusServer } from '../src/index'

const secret = 'janus-token-secret-0123456789'
/**
 * A Janus 1.1 signed token, computed here from Janus's own rule (src/auth.c janus_auth_check_signature):
 * `<expiry>,janus,<plugin>[,<plugin>…]:<signature>` where the signature is base64 HMAC-SHA1 of the part before the colon.
 */
const signedToken = (expiry: number, key = secret, plugins = 'janus.plugin.videoroom') => {
  const data = `${expiry},janus,${plugins}`
  return `${data}:${createHmac('sha1', key).update(data).digest('base64')}`
}
const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds

const tool = requireTool('janus', 'janus')

describe.skipIf(!tool.available)("Debian's Janus with a generated configuration and signed tokens", { meta: { skipReason: tool.skipReason } }, () => {
  let janus: JanusServer
  beforeAll(async () => {
    janus = await startJanus({ tokenAuthSecret: secret })
  }, 30_000)
  afterAll(() => janus?.stop())

  const request = async (body: Record<string, unknown>, path = '') => {
    const response = await fetch(`${janus.url}${path}`, { method: 'POST', body: JSON.stringify({ transaction: randomUUID(), ...body }) })
    return (await response.json()) as { janus: string; data?: { id: number }; error?: { code: number; reason: string } }
  }

  it('loads the VideoRoom plugin and the HTTP transport only, with signed tokens on', async () => {
    const info = (await (await fetch(`${janus.url}/info`)).json()) as { plugins: Record<string, unknown>; transports: Record<string, unknown>; auth_token: boolean }
    expect(Object.keys(info.plugins)).toEqual(['janus.plugin.videoroom'])
    expect(Object.keys(info.transports)).toEqual(['janus.transport.http'])
    expect(info.auth_token).toBe(true)
  })

  it('opens a session and attaches to the VideoRoom with a current signed token', async () => {
    const token = signedToken(inSeconds(600))
    const session = await request({ janus: 'create', token })
    expect(session.janus).toBe('success')
    const handle = await request({ janus: 'attach', plugin: 'janus.plugin.videoroom', token }, `/${session.data!.id}`)
    expect(handle.janus).toBe('success')
  })

  it.each([
    ['expired', signedToken(inSeconds(-60))],
    ['signed with another secret', signedToken(inSeconds(600), 'not-the-secret')],
    ['with a changed expiry', signedToken(inSeconds(600)).replace(/^\d+/, String(inSeconds(6_000)))],
  ])('refuses a token %s (403)', async (_, token) => {
    const session = await request({ janus: 'create', token })
    expect(session).toMatchObject({ janus: 'error', error: { code: 403 } })
  })

  it('refuses attaching to a plugin the token does not name', async () => {
    const token = signedToken(inSeconds(600), secret, 'janus.plugin.echotest')
    const session = await request({ janus: 'create', token })
    expect(session.janus).toBe('success')
    const handle = await request({ janus: 'attach', plugin: 'janus.plugin.videoroom', token }, `/${session.data!.id}`)
    expect(handle).toMatchObject({ janus: 'error', error: { code: 405 } })
  })
})
