import { describe, expect, it } from 'vitest'
import { signHs256Jwt, verifyHs256Jwt } from '../src/server/index'

// The widely published jwt.io example token, signed with the secret "your-256-bit-secret".
const jwtIoToken =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'
// RFC 7515 appendix A.1: an HS256 JWS whose header has other whitespace and key order than ours.
const rfc7515Key = Buffer.from('AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow', 'base64url')
const rfc7515Token =
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'

describe('HS256 JWT', () => {
  it('signs exactly as the published jwt.io example', () => {
    expect(signHs256Jwt({ sub: '1234567890', name: 'John Doe', iat: 1516239022 }, 'your-256-bit-secret')).toBe(jwtIoToken)
  })

  it('verifies the RFC 7515 example before its expiry and refuses it after', () => {
    expect(verifyHs256Jwt(rfc7515Token, rfc7515Key, { now: 1300819379 })).toEqual({ iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true })
    expect(() => verifyHs256Jwt(rfc7515Token, rfc7515Key, { now: 1300819380 })).toThrowError(expect.objectContaining({ code: 'TOKEN_EXPIRED' }))
    expect(verifyHs256Jwt(rfc7515Token, rfc7515Key, { now: 1300819385, clockToleranceSeconds: 10 })).toHaveProperty('iss', 'joe')
  })

  it('refuses a wrong secret, a changed payload, a malformed token and another algorithm', () => {
    expect(() => verifyHs256Jwt(jwtIoToken, 'another secret')).toThrowError(expect.objectContaining({ code: 'UNAUTHORIZED' }))
    const [header, , signature] = jwtIoToken.split('.')
    const forged = `${header}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.${signature}`
    expect(() => verifyHs256Jwt(forged, 'your-256-bit-secret')).toThrowError(expect.objectContaining({ code: 'UNAUTHORIZED' }))
    expect(() => verifyHs256Jwt('not.a-token', 'x')).toThrowError(expect.objectContaining({ code: 'UNAUTHORIZED' }))
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`
    expect(() => verifyHs256Jwt(none, 'x')).toThrowError(expect.objectContaining({ code: 'UNAUTHORIZED' }))
  })

  it('refuses a token before nbf and puts the provider on errors', () => {
    const token = signHs256Jwt({ nbf: 2000 }, 'secret')
    expect(() => verifyHs256Jwt(token, 'secret', { now: 1999, provider: 'memory' })).toThrowError(expect.objectContaining({ code: 'UNAUTHORIZED', provider: 'memory' }))
    expect(verifyHs256Jwt(token, 'secret', { now: 2000 })).toEqual({ nbf: 2000 })
  })
})
