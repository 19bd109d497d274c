import * as nodeCrypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hs256Jwt } from '../src/server/jwt'
import { signHs256Jwt, signHs256JwtAsync, type verifyHs256Jwt, verifyHs256JwtAsync } from '../src/server/index'

// The widely published jwt.io example token, signed with the secret "your-256-bit-secret".
const jwtIoToken =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'
// RFC 7515 appendix A.1: an HS256 JWS whose header has other whitespace and key order than ours.
const rfc7515Key = Buffer.from('AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow', 'base64url')
const rfc7515Token =
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'

const withNode = hs256Jwt({ node: { crypto: nodeCrypto, Buffer } })
const webOnly = hs256Jwt({ node: undefined })

/** The same checks for every way of signing and verifying: sync and async with node:crypto, async with Web Crypto. */
const variants = [
  {
    name: 'node:crypto, sync',
    sign: async (...args: Parameters<typeof signHs256Jwt>) => withNode.signHs256Jwt(...args),
    verify: async (...args: Parameters<typeof verifyHs256Jwt>) => withNode.verifyHs256Jwt(...args),
  },
  { name: 'node:crypto, async', sign: withNode.signHs256JwtAsync, verify: withNode.verifyHs256JwtAsync },
  { name: 'Web Crypto (no node:crypto), async', sign: webOnly.signHs256JwtAsync, verify: webOnly.verifyHs256JwtAsync },
]

describe.each(variants)('HS256 JWT with $name', ({ sign, verify }) => {
  it('signs exactly as the published jwt.io example, with a string or the secret bytes', async () => {
    expect(await sign({ sub: '1234567890', name: 'John Doe', iat: 1516239022 }, 'your-256-bit-secret')).toBe(jwtIoToken)
    expect(await sign({ sub: '1234567890', name: 'John Doe', iat: 1516239022 }, new TextEncoder().encode('your-256-bit-secret'))).toBe(jwtIoToken)
  })

  it('verifies the RFC 7515 example before its expiry and refuses it after', async () => {
    await expect(verify(rfc7515Token, rfc7515Key, { now: 1300819379 })).resolves.toEqual({ iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true })
    await expect(verify(rfc7515Token, new Uint8Array(rfc7515Key), { now: 1300819379 })).resolves.toHaveProperty('iss', 'joe')
    await expect(verify(rfc7515Token, rfc7515Key, { now: 1300819380 })).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' })
    await expect(verify(rfc7515Token, rfc7515Key, { now: 1300819385, clockToleranceSeconds: 10 })).resolves.toHaveProperty('iss', 'joe')
  })

  it('refuses a wrong secret, a changed payload or signature, a malformed token and another algorithm', async () => {
    await expect(verify(jwtIoToken, 'another secret')).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'Token signature is invalid' })
    const [header, , signature] = jwtIoToken.split('.')
    const forged = `${header}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.${signature}`
    await expect(verify(forged, 'your-256-bit-secret')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    await expect(verify(`${jwtIoToken.slice(0, -2)}AA`, 'your-256-bit-secret')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    await expect(verify(`${jwtIoToken.slice(0, -1)}!`, 'your-256-bit-secret')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    await expect(verify(jwtIoToken.slice(0, -10), 'your-256-bit-secret')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    await expect(verify('not.a-token', 'x')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    await expect(verify('a.b.c', 'x')).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'Malformed token' })
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`
    await expect(verify(none, 'x')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    const array = await sign({}, 'x').then((token) => token.replace(/\.[^.]*\./, `.${Buffer.from('[1]').toString('base64url')}.`))
    await expect(verify(array, 'x')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
  })

  it('refuses a token before nbf and puts the provider on errors', async () => {
    const token = await sign({ nbf: 2000 }, 'secret')
    await expect(verify(token, 'secret', { now: 1999, provider: 'memory' })).rejects.toMatchObject({ code: 'UNAUTHORIZED', provider: 'memory' })
    await expect(verify(token, 'secret', { now: 2000 })).resolves.toEqual({ nbf: 2000 })
  })

  it('makes byte for byte the tokens node:crypto makes, non-ASCII claims and secrets and long payloads included, with the secret changing between calls', async () => {
    for (const [index, secret] of ['sécret-🔑-0123456789abcdef0123456789', 'another-secret-0123456789abcdef', 'sécret-🔑-0123456789abcdef0123456789'].entries()) {
      const claims = { sub: `usér-${index}-😀`, room: 'x'.repeat(70_000 + index), iat: 1_700_000_000 + index }
      const token = await sign(claims, secret)
      expect(token).toBe(withNode.signHs256Jwt(claims, secret))
      await expect(verify(token, secret, { now: 1 })).resolves.toEqual(claims)
      expect(withNode.verifyHs256Jwt(token, secret, { now: 1 })).toEqual(claims)
    }
  })
})

describe('HS256 JWT on this runtime', () => {
  it('uses node:crypto on Node: the sync functions work and the async ones give the same token', async () => {
    const claims = { sub: 'alice', iat: 1 }
    expect(await signHs256JwtAsync(claims, 'secret')).toBe(signHs256Jwt(claims, 'secret'))
    await expect(verifyHs256JwtAsync(signHs256Jwt(claims, 'secret'), 'secret', { now: 2 })).resolves.toEqual(claims)
  })

  it('without node:crypto, the sync functions refuse with UNSUPPORTED naming the async ones', () => {
    expect(() => webOnly.signHs256Jwt({}, 'secret')).toThrowError(expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringContaining('signHs256JwtAsync') }))
    expect(() => webOnly.verifyHs256Jwt(jwtIoToken, 'secret')).toThrowError(
      expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringContaining('verifyHs256JwtAsync') }),
    )
  })

  it('finds node:crypto through process.getBuiltinModule, and does without when it is absent', async () => {
    const process = globalThis.process as { getBuiltinModule?: unknown }
    const original = process.getBuiltinModule
    try {
      process.getBuiltinModule = undefined
      const without = hs256Jwt()
      expect(() => without.signHs256Jwt({}, 'secret')).toThrowError(expect.objectContaining({ code: 'UNSUPPORTED' }))
      await expect(without.signHs256JwtAsync({ a: 1 }, 'secret')).resolves.toBe(signHs256Jwt({ a: 1 }, 'secret'))
    } finally {
      process.getBuiltinModule = original
    }
    expect(hs256Jwt().signHs256Jwt({ a: 1 }, 'secret')).toBe(signHs256Jwt({ a: 1 }, 'secret'))
  })
})
