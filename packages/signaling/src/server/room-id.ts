/** Prefix of every signaling room id. */
export const ROOM_ID_PREFIX = 'rm_'

const K = /* @__PURE__ */ Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])

/** SHA-256 of `bytes`, as 64 hexadecimal digits (FIPS 180-4), in plain JavaScript: synchronous on every runtime. */
export function sha256Hex(bytes: Uint8Array): string {
  const length = bytes.length
  const padded = new Uint8Array(((length + 72) >>> 6) << 6)
  padded.set(bytes)
  padded[length] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 8, Math.floor(length / 0x20000000))
  view.setUint32(padded.length - 4, (length << 3) >>> 0)
  const hash = Uint32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])
  const w = new Uint32Array(64)
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let index = 0; index < 16; index++) w[index] = view.getUint32(offset + index * 4)
    for (let index = 16; index < 64; index++) {
      const a = w[index - 15]!
      const b = w[index - 2]!
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3)
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10)
      w[index] = (w[index - 16]! + s0 + w[index - 7]! + s1) | 0
    }
    let [a, b, c, d, e, f, g, h] = hash as unknown as [number, number, number, number, number, number, number, number]
    for (let index = 0; index < 64; index++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
      const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[index]! + w[index]!) | 0
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
      h = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = b
      b = a
      a = (t1 + t2) | 0
    }
    hash[0]! += a
    hash[1]! += b
    hash[2]! += c
    hash[3]! += d
    hash[4]! += e
    hash[5]! += f
    hash[6]! += g
    hash[7]! += h
  }
  let hex = ''
  for (const word of hash) hex += word.toString(16).padStart(8, '0')
  return hex
}

const utf8 = new TextEncoder()

/** node:crypto's createHash where the runtime has it (Node, Bun, Deno, Workers with nodejs_compat): several times faster. */
const createHash = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => { createHash?: typeof import('node:crypto').createHash } | undefined } }
).process?.getBuiltinModule?.('node:crypto')?.createHash

/**
 * The signaling room id of an app room name: `rm_` followed by the first 24 hexadecimal digits of
 * the SHA-256 of the name's UTF-8 bytes. The server half (`ensureRoom`) and the signaling server
 * (`room_id_get`, `join`) both use this function, so they agree without talking to each other.
 * node:crypto where the runtime has it, plain JavaScript elsewhere: the token issuer runs on any runtime.
 */
export function signalingRoomId(name: string): string {
  const hex = createHash ? createHash('sha256').update(name, 'utf8').digest('hex') : sha256Hex(utf8.encode(name))
  return ROOM_ID_PREFIX + hex.slice(0, 24)
}
