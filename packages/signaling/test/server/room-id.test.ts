import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sha256Hex, signalingRoomId } from '../../src/server/room-id'

// The token issuer runs where node:crypto is absent (Vercel Edge, plain Fetch runtimes): there the room
// id comes from a plain-JavaScript SHA-256, which must give the very ids node:crypto gives.
describe('signaling room ids', () => {
  it('are rm_ and the first 24 hex digits of the SHA-256 of the UTF-8 name', () => {
    expect(signalingRoomId('standup')).toBe('rm_' + createHash('sha256').update('standup').digest('hex').slice(0, 24))
    expect(signalingRoomId('café ☕')).toBe('rm_' + createHash('sha256').update('café ☕', 'utf8').digest('hex').slice(0, 24))
  })

  it('the plain-JavaScript SHA-256 equals node:crypto on the FIPS vectors, every padding boundary and random inputs', () => {
    expect(sha256Hex(new Uint8Array())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    const inputs = [...Array.from({ length: 200 }, (_, length) => randomBytes(length)), randomBytes(1 << 20)]
    for (const input of inputs) expect(sha256Hex(input), `length ${input.length}`).toBe(createHash('sha256').update(input).digest('hex'))
  })
})
