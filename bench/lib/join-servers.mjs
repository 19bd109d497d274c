// @ts-check
// Worker thread of the join-throughput bench (bench/join-throughput.mjs): serves POST /join twice on 127.0.0.1, once through
// Callport and once bare, so the load generator in the main thread does not share their event loop.
import { createHmac, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { parentPort } from 'node:worker_threads'
import { createCallServer } from '@callport/server'
import { toNodeHandler } from '@callport/server/node'
import { memory } from '@callport/testkit'

/** @type {{ identity: string, name: string, role: 'publisher' }} */
const participant = { identity: 'bench-user', name: 'Bench User', role: 'publisher' }
const tokenTtlSeconds = 3600
const secret = randomBytes(32)
const jwtHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')

/**
 * The baseline: the least a hand-written token endpoint does. It parses the JSON body and answers
 * the same `{ room, token }` shape with an HS256 JWT signed by node:crypto.
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 */
function bareJoin(request, response) {
  /** @type {Buffer[]} */
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', () => {
    let room
    try {
      room = JSON.parse(Buffer.concat(chunks).toString('utf8')).room
    } catch {
      room = undefined
    }
    if (request.method !== 'POST' || request.url !== '/join' || typeof room !== 'string') {
      response.writeHead(400).end()
      return
    }
    const issuedAt = Math.floor(Date.now() / 1000)
    const expiresAt = issuedAt + tokenTtlSeconds
    const claims = { room, sub: participant.identity, name: participant.name, role: participant.role, iat: issuedAt, exp: expiresAt }
    const unsigned = `${jwtHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
    const value = `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`
    const body = JSON.stringify({
      room: { name: room, provider: 'bare', providerRoomId: room },
      token: {
        provider: 'bare',
        room,
        providerRoomId: room,
        identity: participant.identity,
        value,
        expiresAt: new Date(expiresAt * 1000).toISOString(),
        connect: {},
      },
    })
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body)
  })
}

const callport = toNodeHandler(
  createCallServer({
    providers: [memory()],
    authorize: async () => participant,
    tokenTtlSeconds,
    // One identity joins again and again here; the per-identity join limit would answer 429s.
    rateLimits: false,
    logger: { info: () => undefined, warn: (fields, message) => console.warn(message, fields), error: (fields, message) => console.error(message, fields) },
  }),
)

/**
 * @param {import('node:http').RequestListener} handler
 * @returns {Promise<import('node:http').Server>}
 */
function listen(handler) {
  const server = createServer(handler)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

/** @param {import('node:http').Server} server */
function portOf(server) {
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('server is not listening on a port')
  return address.port
}

const servers = { bare: await listen(bareJoin), callport: await listen(callport) }
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort)
port.once('message', () => {
  for (const server of Object.values(servers)) {
    server.closeAllConnections()
    server.close()
  }
  port.close()
})
port.postMessage({ bare: portOf(servers.bare), callport: portOf(servers.callport) })
