import { requireTool, startJanus, type JanusServer } from '@callport/test-environment'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { janus } from '../src/server/index'
import { joinVideoRoom } from './videoroom-participant'

const secret = 'janus-admin-key-test-secret-0123456789'
const tool = requireTool('janus', 'janus')

describe.skipIf(!tool.available)('a Janus whose VideoRoom has an admin_key', { meta: { skipReason: tool.skipReason } }, () => {
  let server: JanusServer
  beforeAll(async () => {
    server = await startJanus({ tokenAuthSecret: secret, videoRoomAdminKey: 'videoroom-admin-key' })
  }, 30_000)
  afterAll(() => server?.stop())

  it("refuses to create rooms without it (PROVIDER_REJECTED, with VideoRoom's code), and creates them with adminKey", async () => {
    const without = janus({ url: server.url, tokenSecret: secret, environmentVariables: {} })
    const error = await without.ensureRoom({ name: 'admin-key-room' }).catch((caught: unknown) => caught)
    expect(error).toMatchObject({
      code: 'PROVIDER_REJECTED',
      retryable: false,
      details: { janusCode: 429, reason: 'Missing mandatory element (admin_key)', plugin: 'janus.plugin.videoroom' },
    })
    const wrong = janus({ url: server.url, tokenSecret: secret, adminKey: 'guess', environmentVariables: {} })
    await expect(wrong.ensureRoom({ name: 'admin-key-room' })).rejects.toMatchObject({ code: 'PROVIDER_REJECTED', details: { janusCode: 433 } })

    const adapter = janus({ url: server.url, tokenSecret: secret, adminKey: 'videoroom-admin-key', environmentVariables: {} })
    const room = await adapter.ensureRoom({ name: 'admin-key-room' })
    expect(await adapter.getRoom({ name: 'admin-key-room' })).toEqual(room)
    const joined = await joinVideoRoom(server.url, await adapter.issueToken({ room, participant: { identity: 'ann', role: 'publisher' }, ttlSeconds: 600 }))
    expect((await adapter.listParticipants({ room })).map((entry) => entry.identity)).toEqual(['ann'])
    await joined.leave()
  })

  it('reads JANUS_ADMIN_KEY', async () => {
    const adapter = janus({ environmentVariables: { JANUS_URL: server.url, JANUS_TOKEN_SECRET: secret, JANUS_ADMIN_KEY: 'videoroom-admin-key' } })
    expect((await adapter.ensureRoom({ name: 'admin-key-from-environment' })).provider).toBe('janus')
  })
})
