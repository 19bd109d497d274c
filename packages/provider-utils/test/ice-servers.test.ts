import { describe, expect, it } from 'vitest'
import { iceServersOf } from '../src/client/index'

const turn = { urls: ['turn:127.0.0.1:3478?transport=udp'], username: '1764662400:ada', credential: 'c2lnbmVk' }

describe('iceServersOf (token.connect.iceServers)', () => {
  it('is empty without the parameter and the JSON list with it', () => {
    expect(iceServersOf({ provider: 'janus', connect: { url: 'https://janus.example/janus' } })).toEqual([])
    expect(iceServersOf({ provider: 'janus', connect: { iceServers: JSON.stringify([turn, { urls: 'stun:stun.example' }]) } })).toEqual([turn, { urls: 'stun:stun.example' }])
  })

  it.each([['not JSON'], [JSON.stringify({ urls: 'turn:x' })], [JSON.stringify([{ username: 'u' }])], [true], [5]])(
    "refuses %j as INVALID_INPUT naming the token's provider",
    (value) => {
      expect(() => iceServersOf({ provider: 'janus', connect: { iceServers: value } })).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT', provider: 'janus', message: 'Bad token.connect.iceServers' }),
      )
    },
  )
})
