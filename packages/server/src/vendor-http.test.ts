import { describe, expect, it } from 'vitest'
import { basicAuthorization, readResponseBody } from './vendor-http'

describe('readResponseBody', () => {
  it('parses JSON, keeps text that is not JSON, and answers undefined for an empty body', async () => {
    expect(await readResponseBody(new Response('{"code":53113}'))).toEqual({ code: 53113 })
    expect(await readResponseBody(new Response('Bad Gateway'))).toBe('Bad Gateway')
    expect(await readResponseBody(new Response(null, { status: 409 }))).toBeUndefined()
  })
})

describe('basicAuthorization', () => {
  it('encodes user:password as UTF-8 base64 (RFC 7617 and the OpenVidu check value)', () => {
    expect(basicAuthorization('Aladdin', 'open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')
    expect(basicAuthorization('OPENVIDUAPP', 'MY_SECRET')).toBe('Basic T1BFTlZJRFVBUFA6TVlfU0VDUkVU')
    expect(basicAuthorization('test', '123£')).toBe('Basic dGVzdDoxMjPCow==')
  })
})
