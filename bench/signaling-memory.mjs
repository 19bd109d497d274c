// @ts-check
// Memory per connected member of the built-in signaling server: 500 socket.io clients connect and
// join (50 rooms of 10), and the server process's heap and RSS grow by so much per member. Plain
// socket.io with 500 sockets joined to 50 rooms is measured the same way, as the baseline. Each
// server runs alone in a child process (with --expose-gc), so the clients' memory is not counted.
// Usage: node bench/signaling-memory.mjs [--quick]     (after building packages/signaling)
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { defineBench } from './lib/benches.mjs'
import { ask, runFromCommandLine, stopServerProcess } from './signaling-relay.mjs'

const signalingDirectory = new URL('../packages/signaling/', import.meta.url)
/** socket.io and socket.io-client as packages/signaling depends on them. */
const requireFromSignaling = createRequire(new URL('package.json', signalingDirectory))
/** The built server half (run `turbo run build` or `npx tsup` in packages/signaling first). */
const signalingServerEntry = new URL('dist/server/index.js', signalingDirectory).href
const serveFlag = '--serve-signaling-memory'
const roomSize = 10
const batchSize = 50

/**
 * @typedef {'plain' | 'signaling'} Side
 * @typedef {{ identity: string, room: string, token: string }} Seat
 * @typedef {{ url: string, seats: Seat[] }} Ready
 * @typedef {{ heapUsed: number, rss: number }} Memory
 * @typedef {{ emit: (event: string, ...parts: unknown[]) => unknown, once: (event: string, listener: (...parts: any[]) => void) => unknown, disconnect: () => unknown }} ClientSocket
 */

/** Child process: one server, `plain` or `signaling`, answering memory readings after a full GC. */
async function serve() {
  const side = /** @type {Side} */ (process.argv[process.argv.indexOf(serveFlag) + 1])
  const members = Number(process.argv[process.argv.indexOf(serveFlag) + 2])
  const send = (/** @type {unknown} */ message) => process.send?.(message)
  /** @type {() => Promise<void>} */
  let close
  /** @type {Ready} */
  let ready
  if (side === 'plain') {
    const { Server } = requireFromSignaling('socket.io')
    const http = createServer()
    const io = new Server(http, { serveClient: false })
    io.on('connection', (/** @type {any} */ socket) => socket.join(String(socket.handshake.query.room)))
    await new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(undefined)))
    const address = /** @type {import('node:net').AddressInfo} */ (http.address())
    ready = { url: `http://127.0.0.1:${address.port}`, seats: seatsFor(members, () => '') }
    close = () => io.close()
  } else {
    const { createSignalingServer, signaling } = await import(signalingServerEntry)
    const secret = randomBytes(32).toString('base64url')
    const server = createSignalingServer({ secret, onError: console.error })
    const { url } = await server.listen({ port: 0, host: '127.0.0.1' })
    const adapter = signaling({ secret, url })
    /** @type {Seat[]} */
    const seats = []
    for (const seat of seatsFor(members, () => '')) {
      const room = await adapter.ensureRoom({ name: seat.room })
      const token = await adapter.issueToken({ room, participant: { identity: seat.identity, name: `Member ${seat.identity}`, role: 'publisher' }, ttlSeconds: 3600 })
      seats.push({ ...seat, token: token.value })
    }
    ready = { url, seats }
    close = () => server.close()
  }
  send(ready)
  /** Answers one command of the parent process; a failure ends this child process (the parent sees it exit). */
  const onCommand = async (/** @type {string} */ command) => {
    if (command === 'measure') {
      const gc = /** @type {(() => void) | undefined} */ (globalThis.gc)
      for (let round = 0; round < 3; round += 1) {
        gc?.()
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const { heapUsed, rss } = process.memoryUsage()
      send({ heapUsed, rss })
    } else {
      await close()
      process.disconnect()
    }
  }
  process.on('message', (/** @type {string} */ command) => {
    onCommand(command).catch((error) => {
      console.error(error)
      process.exit(1)
    })
  })
}

/**
 * `count` members in rooms of `roomSize`.
 * @param {number} count
 * @param {(identity: string) => string} token
 * @returns {Seat[]}
 */
function seatsFor(count, token) {
  return Array.from({ length: count }, (_, index) => {
    const identity = `member-${index}`
    return { identity, room: `room-${Math.floor(index / roomSize)}`, token: token(identity) }
  })
}

/**
 * Connects one client and, on the signaling server, joins its room.
 * @param {Side} side
 * @param {string} url
 * @param {Seat} seat
 * @returns {Promise<ClientSocket>}
 */
async function connect(side, url, seat) {
  const { io } = requireFromSignaling('socket.io-client')
  const query = side === 'plain' ? { room: seat.room } : { username: seat.identity, auth: JSON.stringify({ token: seat.token }) }
  /** @type {ClientSocket} */
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, query })
  if (side === 'plain') {
    await once(/** @type {any} */ (socket), 'connect')
    return socket
  }
  const [info] = await once(/** @type {any} */ (socket), 'on_connection')
  const [, error] = await new Promise((resolve) =>
    socket.emit(
      'request',
      { type: 'auth', command: { command: 'join', room_id: info.server_metadata.room_id, props: { audio: true, video: true } } },
      (/** @type {unknown[]} */ ...parts) => resolve(parts),
    ),
  )
  if (error) throw new Error(`join failed: ${JSON.stringify(error)}`)
  return socket
}

/**
 * Memory growth of one server per connected member.
 * @param {Side} side
 * @param {number} members
 * @param {(line: string) => void} log
 */
async function measure(side, members, log) {
  const child = fork(fileURLToPath(import.meta.url), [serveFlag, side, String(members)], { execArgv: ['--expose-gc'], stdio: 'inherit' })
  /** @type {ClientSocket[]} */
  const sockets = []
  try {
    const [ready] = /** @type {[Ready]} */ (await once(child, 'message'))
    // Warm up: the first connections load code and grow pools that later ones reuse.
    const warmUp = await Promise.all(ready.seats.slice(0, batchSize).map((seat) => connect(side, ready.url, seat)))
    for (const socket of warmUp) socket.disconnect()
    await new Promise((resolve) => setTimeout(resolve, 500))
    /** @type {Memory} */
    const before = await ask(child, 'measure')
    for (let start = 0; start < ready.seats.length; start += batchSize) {
      sockets.push(...(await Promise.all(ready.seats.slice(start, start + batchSize).map((seat) => connect(side, ready.url, seat)))))
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
    /** @type {Memory} */
    const after = await ask(child, 'measure')
    const perMember = { heapUsed: (after.heapUsed - before.heapUsed) / members, rss: (after.rss - before.rss) / members }
    log(`    ${side}: ${members} connected, heap +${Math.round(perMember.heapUsed)} B and RSS +${Math.round(perMember.rss)} B per member`)
    return { before, after, perMember }
  } finally {
    for (const socket of sockets) socket.disconnect()
    await stopServerProcess(child)
  }
}

const bench = defineBench({
  name: 'signaling-memory',
  description: `server memory per member with 500 members (200 with --quick) connected and joined in rooms of ${roomSize}, signaling server vs plain socket.io sockets in rooms`,
  deterministic: false,
  measures: ['signaling-heap-per-member', 'signaling-rss-per-member'],
  async run({ quick, log }) {
    const members = quick ? 200 : 500
    const plain = await measure('plain', members, log)
    const signaling = await measure('signaling', members, log)
    const details = { members, roomSize, plain, signaling }
    return [
      {
        id: 'signaling-heap-per-member',
        label: `JS heap per member (${members} members)`,
        value: Math.round(signaling.perMember.heapUsed),
        unit: 'bytes',
        parts: [
          { label: 'plain socket.io, per socket', value: Math.round(plain.perMember.heapUsed), unit: 'bytes' },
          { label: 'signaling ÷ plain', value: signaling.perMember.heapUsed / plain.perMember.heapUsed, unit: 'ratio' },
        ],
        details,
      },
      {
        id: 'signaling-rss-per-member',
        label: `process RSS per member (${members} members)`,
        value: Math.round(signaling.perMember.rss),
        unit: 'bytes',
        parts: [{ label: 'plain socket.io, per socket', value: Math.round(plain.perMember.rss), unit: 'bytes' }],
      },
    ]
  },
})
export default bench

if (process.argv.includes(serveFlag)) {
  await serve()
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runFromCommandLine(bench)
}
