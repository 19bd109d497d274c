import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allocateTurnRelay, requireTool, startCoturn, type CoturnServer } from '../src/index'

const secret = 'coturn-test-secret-0123456789'
/** The TURN REST API credential, computed here independently of provider-utils: base64 HMAC-SHA1 of the username. */
const passwordOf = (username: string, key = secret) => createHmac('sha1', key).update(username).digest('base64')
const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds

const tool = requireTool('turnserver', 'coturn')

describe.skipIf(!tool.available)("Debian's coturn with TURN REST API credentials", { meta: { skipReason: tool.skipReason } }, () => {
  let coturn: CoturnServer
  beforeAll(async () => {
    coturn = await startCoturn({ secret })
  })
  afterAll(() => coturn?.stop())

  it('relays for a current credential', async () => {
    const username = `${inSeconds(600)}:alice`
    await expect(allocateTurnRelay({ port: coturn.port, username, password: passwordOf(username) })).resolves.toEqual({ ok: true, relayed: true })
  })

  it('refuses an expired credential', async () => {
    const username = `${inSeconds(-60)}:alice`
    await expect(allocateTurnRelay({ port: coturn.port, username, password: passwordOf(username) })).resolves.toMatchObject({ ok: false, code: 401 })
  })

  it('refuses a credential signed with another secret', async () => {
    const username = `${inSeconds(600)}:mallory`
    await expect(allocateTurnRelay({ port: coturn.port, username, password: passwordOf(username, 'not-the-secret') })).resolves.toMatchObject({ ok: false, code: 401 })
  })

  it('refuses a username changed after signing', async () => {
    const signed = `${inSeconds(600)}:alice`
    await expect(allocateTurnRelay({ port: coturn.port, username: `${inSeconds(6_000)}:alice`, password: passwordOf(signed) })).resolves.toMatchObject({
      ok: false,
      code: 401,
    })
  })
})
