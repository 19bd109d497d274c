import { describe, expect, it } from 'vitest'
import { freePort } from '@callport/test-environment'
import { createSignalingServer } from '../../src/server/index'
import { resolveServerOptions } from '../../src/server/server-options'
import { SECRET } from './harness'

describe('createSignalingServer options', () => {
  it.each([
    ['messagesPerSecond', 0],
    ['messageBurst', -1],
    ['maximumMessageBytes', Number.NaN],
    ['maxMessageBytes', 0],
  ])('refuses limits.%s = %s', (name, value) => {
    expect(() => createSignalingServer({ secret: SECRET, limits: { [name]: value } })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining(`limits.${name}`) }),
    )
  })
})

describe('createSignalingServer option names', () => {
  it('refuses unknown options, naming the closest known one', () => {
    expect(() => createSignalingServer({ secret: SECRET, heartbeats: { interval: 1000 } } as never)).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/unknown setting "heartbeats" \(did you mean "heartbeat"\?\)/) }),
    )
    expect(() => createSignalingServer({ secret: SECRET, heartbeat: { intervalSeconds: 1 } } as never)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })

  it('takes the secret from the `environment` option when one is given', () => {
    expect(resolveServerOptions({ environmentVariables: { CALLPORT_SIGNALING_SECRET: SECRET } }).secret).toBe(SECRET)
  })

  it('applies the defaults: 25 s / 20 s heartbeats, 64 KiB messages, Redis timings of 10 s and 5 s', () => {
    const resolved = resolveServerOptions({ secret: SECRET, redis: { url: 'redis://127.0.0.1:6379' } })
    expect(resolved.heartbeat).toEqual({ interval: 25_000, timeout: 20_000 })
    expect(resolved.limits).toEqual({
      maximumMessageBytes: 65_536,
      maximumPacketBytes: 131_072,
      messagesPerSecond: 50,
      messageBurst: 100,
      rejectedMessagesBeforeKick: 200,
      identityMessagesPerSecond: 100,
      identityMessageBurst: 200,
      connectionsPerIdentity: 10,
      roomDeliveriesPerSecond: 5_000,
      roomDeliveryBurst: 10_000,
      kickCooldown: 30_000,
      handshakeTimeout: 5_000,
    })
    expect(resolved.redis).toEqual({ url: 'redis://127.0.0.1:6379', keyPrefix: 'callport:signaling', nodeTimeout: 10_000, sweepInterval: 5_000 })
  })

  it('still takes the deprecated names (intervalMs, timeoutMs, nodeTimeoutMs, sweepIntervalMs, maxMessageBytes, maxPacketBytes)', () => {
    const current = resolveServerOptions({
      secret: SECRET,
      heartbeat: { interval: 300, timeout: 400 },
      redis: { url: 'redis://127.0.0.1:6379', nodeTimeout: 1_500, sweepInterval: 300 },
      limits: { maximumMessageBytes: 1024, maximumPacketBytes: 4096 },
    })
    const deprecated = resolveServerOptions({
      secret: SECRET,
      heartbeat: { intervalMs: 300, timeoutMs: 400 },
      redis: { url: 'redis://127.0.0.1:6379', nodeTimeoutMs: 1_500, sweepIntervalMs: 300 },
      limits: { maxMessageBytes: 1024, maxPacketBytes: 4096 },
    })
    expect(deprecated).toEqual({ ...current, onError: expect.any(Function) })
    expect(current.heartbeat).toEqual({ interval: 300, timeout: 400 })
    expect(current.redis).toMatchObject({ nodeTimeout: 1_500, sweepInterval: 300 })
  })

  it.each([
    ['connectionsPerIdentity', 2.5, /must be a whole number, 1 or more/],
    ['connectionsPerIdentity', 0, /must be a whole number, 1 or more/],
    ['kickCooldown', -1, /0 or a positive number of milliseconds/],
    ['handshakeTimeout', 0, /positive number of milliseconds/],
    ['roomDeliveriesPerSecond', Number.NaN, /positive number/],
    ['identityMessageBurst', '10', /positive number/],
  ])('refuses limits.%s = %s', (name, value, message) => {
    expect(() => resolveServerOptions({ secret: SECRET, limits: { [name]: value } })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(message) }),
    )
  })

  it('accepts kickCooldown 0 (no cool-down) and Infinity connections', () => {
    expect(resolveServerOptions({ secret: SECRET, limits: { kickCooldown: 0, connectionsPerIdentity: Infinity } }).limits).toMatchObject({
      kickCooldown: 0,
      connectionsPerIdentity: Infinity,
    })
  })

  it('refuses a name and its deprecated name with different values', () => {
    expect(() => resolveServerOptions({ secret: SECRET, heartbeat: { interval: 300, intervalMs: 400 } })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/heartbeat\.interval and its deprecated name heartbeat\.intervalMs disagree/) }),
    )
    expect(resolveServerOptions({ secret: SECRET, redis: { url: 'redis://127.0.0.1:6379', nodeTimeout: 900, nodeTimeoutMs: 900 } }).redis?.nodeTimeout).toBe(900)
  })

  it.each([
    ['heartbeat.interval', { heartbeat: { interval: 0 } }],
    ['heartbeat.timeout', { heartbeat: { timeout: Number.POSITIVE_INFINITY } }],
    ['redis.sweepInterval', { redis: { url: 'redis://127.0.0.1:6379', sweepInterval: -1 } }],
  ])('refuses %s that is not a positive number of milliseconds', (name, options) => {
    expect(() => resolveServerOptions({ secret: SECRET, ...options })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining(name) }))
  })
})

describe('createSignalingServer with an unreachable Redis', () => {
  it('rejects listen() with PROVIDER_UNAVAILABLE (no password in the message) and still closes', async () => {
    const port = await freePort()
    const server = createSignalingServer({ secret: SECRET, redis: { url: `redis://user:hunter2-password@127.0.0.1:${port}` }, onError: () => undefined })
    const failure = await server.listen({ port: 0, host: '127.0.0.1' }).catch((error: unknown) => error)
    expect(failure).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: expect.stringMatching(new RegExp(`Could not connect to Redis at redis://user:\\*\\*\\*@127\\.0\\.0\\.1:${port}`)),
    })
    expect(String((failure as Error).message)).not.toContain('hunter2')
    await expect(server.close()).resolves.toBeUndefined()
  })
})
