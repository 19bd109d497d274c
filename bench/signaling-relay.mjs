// @ts-check
// Relay throughput of the built-in signaling server: webrtc_signal messages from one member to
// another, against plain socket.io relaying the same messages between two sockets of a room. Both
// servers run in one child process, loaded from this process in alternating rounds; the figure is
// messages relayed per second of the child's CPU time, which neither the load generator's speed
// nor other work on the machine distorts.
// Usage: node bench/signaling-relay.mjs [--quick]     (after building packages/signaling)
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { defineBench } from './lib/benches.mjs'
import { describeMeasurement, loadBudgets } from './lib/budgets.mjs'
import { median } from './lib/statistics.mjs'

const signalingDirectory = new URL('../packages/signaling/', import.meta.url)
/** socket.io and socket.io-client as packages/signaling depends on them. */
const requireFromSignaling = createRequire(new URL('package.json', signalingDirectory))
/** The built server half (run `turbo run build` or `npx tsup` in packages/signaling first). */
const signalingServerEntry = new URL('dist/server/index.js', signalingDirectory).href
const serveFlag = '--serve-signaling-relay'
const room = 'bench-relay'
/** Messages in flight at most, per sender. */
const window = 256
/** The ratio the issue asks for: the signaling server relays at least 0.7 × what plain socket.io does. */
export const relayTarget = { min: 0.7, unit: 'ratio', description: 'webrtc_signal relay, signaling server ÷ plain socket.io broadcast' }

/** An ICE candidate as browsers send them, the most frequent message of a call setup. */
const candidate = {
  candidate: 'candidate:842163049 1 udp 1677729535 198.51.100.7 54400 typ srflx raddr 192.168.1.20 rport 54400 generation 0 ufrag Zx9q network-cost 999',
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'Zx9q',
}

/**
 * @typedef {{ plainUrl: string, signalingUrl: string, tokens: { sender: string, receiver: string } }} Servers
 * @typedef {{ emit: (event: string, ...parts: unknown[]) => unknown, on: (event: string, listener: (...parts: any[]) => void) => unknown, off: (event: string, listener?: (...parts: any[]) => void) => unknown, once: (event: string, listener: (...parts: any[]) => void) => unknown, disconnect: () => unknown }} ClientSocket
 */

/** Child process: the two servers under test, on 127.0.0.1. */
async function serve() {
  const { Server } = requireFromSignaling('socket.io')
  const { createSignalingServer, signaling } = await import(signalingServerEntry)
  const secret = randomBytes(32).toString('base64url')
  // The limits stay on (they are part of the cost) but cannot refuse a benchmark's flood.
  const signalingServer = createSignalingServer({
    secret,
    limits: { messagesPerSecond: Number.POSITIVE_INFINITY, messageBurst: Number.POSITIVE_INFINITY },
    onError: console.error,
  })
  const { url: signalingUrl } = await signalingServer.listen({ port: 0, host: '127.0.0.1' })

  const plainHttp = createServer()
  const plain = new Server(plainHttp, { serveClient: false })
  plain.on('connection', (/** @type {any} */ socket) => {
    const name = String(socket.handshake.query.room)
    socket.join(name)
    socket.on('request', (/** @type {unknown} */ message) => socket.to(name).emit('request', message))
  })
  await new Promise((resolve) => plainHttp.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (plainHttp.address())

  const adapter = signaling({ secret, url: signalingUrl })
  const benchRoom = await adapter.ensureRoom({ name: room })
  /** @param {string} identity */
  const issue = async (identity) => (await adapter.issueToken({ room: benchRoom, participant: { identity, role: 'publisher' }, ttlSeconds: 3600 })).value
  /** @type {Servers} */
  const servers = { plainUrl: `http://127.0.0.1:${address.port}`, signalingUrl, tokens: { sender: await issue('sender'), receiver: await issue('receiver') } }
  const send = (/** @type {unknown} */ message) => process.send?.(message)
  send(servers)
  /** @type {NodeJS.CpuUsage | undefined} */
  let sampleStart
  /** Answers one command of the parent process; a failure ends this child process (the parent sees it exit). */
  const onCommand = async (/** @type {string} */ command) => {
    if (command === 'sample-start') {
      sampleStart = process.cpuUsage()
      send('sample-started')
    } else if (command === 'sample-end') {
      const used = process.cpuUsage(sampleStart)
      send((used.user + used.system) / 1000)
    } else {
      await signalingServer.close()
      await plain.close()
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
 * @param {string} url
 * @param {Record<string, string>} query
 * @returns {ClientSocket}
 */
function openClient(url, query) {
  const { io } = requireFromSignaling('socket.io-client')
  return io(url, { transports: ['websocket'], forceNew: true, reconnection: false, query })
}

/**
 * A member of the signaling server: connected, joined, and its member id.
 * @param {string} url
 * @param {string} identity
 * @param {string} token
 */
async function joinMember(url, identity, token) {
  const socket = openClient(url, { username: identity, auth: JSON.stringify({ token }) })
  const [info] = await once(/** @type {any} */ (socket), 'on_connection')
  const [result, error] = await new Promise((resolve) =>
    socket.emit('request', { type: 'auth', command: { command: 'join', room_id: info.server_metadata.room_id } }, (/** @type {unknown[]} */ ...parts) => resolve(parts)),
  )
  if (error) throw new Error(`join failed: ${JSON.stringify(error)}`)
  if (!result) throw new Error('join gave no result')
  return { socket, memberId: /** @type {string} */ (info.auth_id) }
}

/**
 * Sends `message` from `sender` as fast as `receiver` takes it (at most `window` in flight) for
 * `durationMs`; once every message sent arrived, resolves with the messages received per second
 * during `durationMs` and the number of messages relayed in all.
 * @param {ClientSocket} sender
 * @param {ClientSocket} receiver
 * @param {unknown} message
 * @param {number} durationMs
 * @returns {Promise<{ rate: number, messages: number }>}
 */
function pump(sender, receiver, message, durationMs) {
  return new Promise((resolve) => {
    let sent = 0
    let received = 0
    let rate = 0
    let sending = true
    const start = performance.now()
    const fill = () => {
      while (sending && sent - received < window) {
        sender.emit('request', message)
        sent += 1
      }
    }
    const onMessage = () => {
      received += 1
      if (sending && performance.now() - start >= durationMs) {
        sending = false
        rate = received / ((performance.now() - start) / 1000)
      }
      if (sending && sent - received <= window / 2) fill()
      if (!sending && received === sent) {
        receiver.off('request', onMessage)
        resolve({ rate, messages: received })
      }
    }
    receiver.on('request', onMessage)
    fill()
  })
}

/**
 * Sends `command` to a forked server process and resolves with its next message.
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} command
 * @returns {Promise<any>}
 */
export async function ask(child, command) {
  const answer = once(child, 'message')
  child.send(command)
  return (await answer)[0]
}

/**
 * Asks a forked server process to close and waits for it to exit (SIGKILL after 5 s).
 * @param {import('node:child_process').ChildProcess} child
 */
export async function stopServerProcess(child) {
  if (child.connected) child.send('close')
  await Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 5000).unref())])
  if (child.exitCode === null) child.kill('SIGKILL')
}

/**
 * Runs a bench from the command line (`node bench/<file>.mjs [--quick]`) and prints its figures
 * against bench/budgets.json, or against `fallbackBudgets` for ids that have no budget there.
 * @param {import('./lib/benches.mjs').Bench} bench
 * @param {Record<string, import('./lib/budgets.mjs').Budget>} [fallbackBudgets]
 */
export async function runFromCommandLine(bench, fallbackBudgets = {}) {
  const log = (/** @type {string} */ line) => console.log(line)
  log(`${bench.name}: ${bench.description}`)
  const budgets = { ...fallbackBudgets, ...loadBudgets() }
  for (const measurement of await bench.run({ quick: process.argv.includes('--quick'), log })) {
    for (const line of describeMeasurement(measurement, budgets[measurement.id])) log(line)
  }
}

const bench = defineBench({
  name: 'signaling-relay',
  description: 'webrtc_signal relay between two members of the signaling server vs plain socket.io relaying between two sockets of a room',
  deterministic: false,
  measures: ['signaling-relay-ratio'],
  async run({ quick, log }) {
    const warmUpMs = quick ? 300 : 1500
    const sampleMs = quick ? 500 : 2000
    const rounds = quick ? 2 : 6
    // Plain Node flags: the servers run the built package even when a test runner added `--conditions`.
    const child = fork(fileURLToPath(import.meta.url), [serveFlag], { execArgv: [], stdio: 'inherit' })
    /** @type {ClientSocket[]} */
    const sockets = []
    try {
      const [servers] = /** @type {[Servers]} */ (await once(child, 'message'))
      const plainSender = openClient(servers.plainUrl, { room })
      const plainReceiver = openClient(servers.plainUrl, { room })
      sockets.push(plainSender, plainReceiver)
      await Promise.all([once(/** @type {any} */ (plainSender), 'connect'), once(/** @type {any} */ (plainReceiver), 'connect')])
      const sender = await joinMember(servers.signalingUrl, 'sender', servers.tokens.sender)
      const receiver = await joinMember(servers.signalingUrl, 'receiver', servers.tokens.receiver)
      sockets.push(sender.socket, receiver.socket)

      const message = { type: 'command', to: receiver.memberId, command: { command: 'webrtc_signal', candidate } }
      /**
       * One sample: end-to-end messages per second, and the server's capacity: messages relayed per
       * second of the server process's CPU time.
       * @param {ClientSocket} from @param {ClientSocket} to
       */
      const sample = async (from, to) => {
        await ask(child, 'sample-start')
        const { rate, messages } = await pump(from, to, message, sampleMs)
        const cpuMs = /** @type {number} */ (await ask(child, 'sample-end'))
        return { rate, capacity: messages / (cpuMs / 1000) }
      }
      const sides = {
        plain: () => sample(plainSender, plainReceiver),
        signaling: () => sample(sender.socket, receiver.socket),
      }
      await pump(plainSender, plainReceiver, message, warmUpMs)
      await pump(sender.socket, receiver.socket, message, warmUpMs)

      /** @type {Record<'plain' | 'signaling', { rate: number[], capacity: number[] }>} */
      const samples = { plain: { rate: [], capacity: [] }, signaling: { rate: [], capacity: [] } }
      /** @type {number[]} */
      const capacityRatios = []
      /** @type {number[]} */
      const rateRatios = []
      for (let round = 0; round < rounds; round += 1) {
        /** @type {Array<'plain' | 'signaling'>} */
        const order = round % 2 === 0 ? ['plain', 'signaling'] : ['signaling', 'plain']
        const measured = { plain: { rate: 0, capacity: 0 }, signaling: { rate: 0, capacity: 0 } }
        for (const side of order) {
          measured[side] = await sides[side]()
          samples[side].rate.push(measured[side].rate)
          samples[side].capacity.push(measured[side].capacity)
        }
        capacityRatios.push(measured.signaling.capacity / measured.plain.capacity)
        rateRatios.push(measured.signaling.rate / measured.plain.rate)
        log(
          `    round ${round + 1}/${rounds}: server plain ${Math.round(measured.plain.capacity)} vs signaling ${Math.round(measured.signaling.capacity)} msg per CPU second; ` +
            `end to end plain ${Math.round(measured.plain.rate)} vs signaling ${Math.round(measured.signaling.rate)} msg/s`,
        )
      }
      return [
        {
          id: 'signaling-relay-ratio',
          label: 'webrtc_signal relay capacity, signaling server ÷ plain socket.io',
          value: median(capacityRatios),
          unit: 'ratio',
          parts: [
            { label: 'plain socket.io, messages per server CPU second', value: median(samples.plain.capacity), unit: 'ops/s' },
            { label: 'signaling server, messages per server CPU second', value: median(samples.signaling.capacity), unit: 'ops/s' },
            { label: 'plain socket.io, end to end', value: median(samples.plain.rate), unit: 'ops/s' },
            { label: 'signaling server, end to end', value: median(samples.signaling.rate), unit: 'ops/s' },
            { label: 'end-to-end ratio (capped by the load generator)', value: median(rateRatios), unit: 'ratio' },
          ],
          details: { window, sampleMs, rounds, capacityRatios, rateRatios, samples, messageBytes: Buffer.byteLength(JSON.stringify(message)) },
        },
      ]
    } finally {
      for (const socket of sockets) socket.disconnect()
      await stopServerProcess(child)
    }
  },
})
export default bench

if (process.argv.includes(serveFlag)) {
  await serve()
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runFromCommandLine(bench, { 'signaling-relay-ratio': relayTarget })
}
