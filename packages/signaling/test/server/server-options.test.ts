import { describe, expect, it } from 'vitest'
import { freePort } from '@callport/test-environment'
import { createSignalingServer } from '../../src/server/index'
import { SECRET } from './harness'

describe('createSignalingServer options', () => {
  it.each([
    ['messagesPerSecond', 0],
    ['messageBurst', -1],
    ['maxMessageBytes', Number.NaN],
  ])('refuses limits.%s = %s', (name, value) => {
    expect(() => createSignalingServer({ secret: SECRET, limits: { [name]: value } })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining(`limits.${name}`) }),
    )
  })
})

describe('createSignalingServer with an unreachable Redis', () => {
  it('rejects listen() with PROVIDER_UNAVAILABLE (no password in the message) and still closes', async () => {
    const port = await freePort()
    const server = createSignalingServer({ secret: SECRET, redis: { url: `redis://user:hunter2-password@127.0.0.1:${port}` }, onError: () => undefined })
    const failure = await server.listen({ port: 0, host: '127.0.0.1' }).catch((error: unknown) => error)
    expect(failure).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: expect.stringMatching(new RegExp(`Could not connect to Redis at redis://user:\\*\\*\\*@127\\.0\\.0\\.1:${port}`)) })
    expect(String((failure as Error).message)).not.toContain('hunter2')
    await expect(server.close()).resolves.toBeUndefined()
  })
})
