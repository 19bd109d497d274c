import { createHash, createHmac, randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'

/**
 * A TURN Allocate over UDP (RFC 8656 / RFC 5389 long-term credentials), enough to ask a real TURN
 * server whether it accepts a username and password: the first request is challenged with 401 +
 * REALM + NONCE, the second carries USERNAME, REALM, NONCE and MESSAGE-INTEGRITY (HMAC-SHA1 keyed with
 * MD5(username:realm:password)). Resolves with the server's answer, never throws on a refusal.
 */
export type TurnAllocation = { ok: true; relayed: boolean } | { ok: false; code: number; reason: string }

const MAGIC_COOKIE = 0x2112a442
const ALLOCATE_REQUEST = 0x0003
const ALLOCATE_SUCCESS = 0x0103
const attributeTypes = { username: 0x0006, integrity: 0x0008, errorCode: 0x0009, realm: 0x0014, nonce: 0x0015, relayedAddress: 0x0016, transport: 0x0019 }

function attribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4)
  header.writeUInt16BE(type, 0)
  header.writeUInt16BE(value.length, 2)
  return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)])
}

function message(transaction: Buffer, attributes: Buffer[], integrityKey?: Buffer): Buffer {
  const body = Buffer.concat(attributes)
  const header = Buffer.alloc(20)
  header.writeUInt16BE(ALLOCATE_REQUEST, 0)
  header.writeUInt32BE(MAGIC_COOKIE, 4)
  transaction.copy(header, 8)
  if (!integrityKey) {
    header.writeUInt16BE(body.length, 2)
    return Buffer.concat([header, body])
  }
  // The length covers MESSAGE-INTEGRITY (24 bytes) when the HMAC is computed over everything before it.
  header.writeUInt16BE(body.length + 24, 2)
  const hmac = createHmac('sha1', integrityKey)
    .update(Buffer.concat([header, body]))
    .digest()
  return Buffer.concat([header, body, attribute(attributeTypes.integrity, hmac)])
}

function parse(packet: Buffer): { type: number; attributes: Map<number, Buffer> } {
  const attributes = new Map<number, Buffer>()
  let offset = 20
  const end = 20 + packet.readUInt16BE(2)
  while (offset + 4 <= end) {
    const type = packet.readUInt16BE(offset)
    const length = packet.readUInt16BE(offset + 2)
    attributes.set(type, packet.subarray(offset + 4, offset + 4 + length))
    offset += 4 + length + ((4 - (length % 4)) % 4)
  }
  return { type: packet.readUInt16BE(0), attributes }
}

function errorOf(attributes: Map<number, Buffer>): { code: number; reason: string } {
  const value = attributes.get(attributeTypes.errorCode)
  if (!value) return { code: 0, reason: 'no ERROR-CODE' }
  return { code: (value[2]! & 0x7) * 100 + value[3]!, reason: value.subarray(4).toString('utf8') }
}

export async function allocateTurnRelay(options: { port: number; host?: string; username: string; password: string; timeoutMs?: number }): Promise<TurnAllocation> {
  const socket = createSocket('udp4')
  const host = options.host ?? '127.0.0.1'
  const timeoutMs = options.timeoutMs ?? 3_000
  const exchange = (packet: Buffer): Promise<ReturnType<typeof parse>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no TURN answer from ${host}:${options.port} in ${timeoutMs} ms`)), timeoutMs)
      socket.once('message', (answer) => {
        clearTimeout(timer)
        resolve(parse(answer))
      })
      socket.send(packet, options.port, host)
    })
  const transport = attribute(attributeTypes.transport, Buffer.from([17, 0, 0, 0]))
  try {
    const challenge = await exchange(message(randomBytes(12), [transport]))
    const realm = challenge.attributes.get(attributeTypes.realm)
    const nonce = challenge.attributes.get(attributeTypes.nonce)
    if (challenge.type === ALLOCATE_SUCCESS) return { ok: true, relayed: challenge.attributes.has(attributeTypes.relayedAddress) }
    if (!realm || !nonce) return { ok: false, ...errorOf(challenge.attributes) }
    const key = createHash('md5')
      .update(`${options.username}:${realm.toString('utf8')}:${options.password}`, 'utf8')
      .digest()
    const answer = await exchange(
      message(
        randomBytes(12),
        [transport, attribute(attributeTypes.username, Buffer.from(options.username, 'utf8')), attribute(attributeTypes.realm, realm), attribute(attributeTypes.nonce, nonce)],
        key,
      ),
    )
    if (answer.type === ALLOCATE_SUCCESS) return { ok: true, relayed: answer.attributes.has(attributeTypes.relayedAddress) }
    return { ok: false, ...errorOf(answer.attributes) }
  } finally {
    socket.close()
  }
}
