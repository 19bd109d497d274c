import { describe, expect, it } from 'vitest'
import { jsonBytesOverLimit } from '../../src/server/json-size'

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8')

/** Messages whose JSON grows in every way: escapes, multi-byte text, long numbers, nesting, many keys. */
const samples: unknown[] = [
  { type: 'command', to: 'abc', command: { command: 'data', data: 'plain text' } },
  { text: '\u0000\u0001\u001f'.repeat(50) },
  { text: '"\\'.repeat(100) },
  { text: 'é会議😀'.repeat(100) },
  { numbers: [-1.7976931348623157e308, 5e-324, 123456789, true, false, null] },
  [[[[[[['deep']]]]]]],
  Object.fromEntries(Array.from({ length: 200 }, (_, index) => [`key-\u0001-${index}`, index])),
]

describe('jsonBytesOverLimit', () => {
  it.each(samples.map((sample, index) => [index, sample]))('sample %i: reports exactly the messages over the limit, with their size', (_index, sample) => {
    const exact = bytesOf(sample)
    for (const limit of [1, Math.floor(exact / 2), exact - 1, exact, exact + 1, exact * 10]) {
      expect(jsonBytesOverLimit(sample, limit)).toBe(exact > limit ? exact : undefined)
    }
  })

  it('measures an SDP-sized message exactly once it may be over', () => {
    const message = { type: 'command', to: 'x', command: { command: 'webrtc_signal', description: { type: 'offer', sdp: 'a'.repeat(70_000) } } }
    expect(jsonBytesOverLimit(message, 65_536)).toBe(bytesOf(message))
    expect(jsonBytesOverLimit(message, 80_000)).toBeUndefined()
  })
})

describe('jsonBytesOverLimit on what socket.io can deliver', () => {
  it('handles binary attachments and very long arrays without serializing small messages', () => {
    const binary = { data: Buffer.alloc(1000) }
    expect(jsonBytesOverLimit(binary, 100)).toBe(bytesOf(binary))
    expect(jsonBytesOverLimit(binary, 100_000)).toBeUndefined()
    const long = { items: Array.from({ length: 200_000 }, () => 1) }
    expect(jsonBytesOverLimit(long, 65_536)).toBe(bytesOf(long))
  })
})
