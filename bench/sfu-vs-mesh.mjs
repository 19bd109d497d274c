#!/usr/bin/env node
// @ts-check
// Mesh against SFU on this machine (issue 18 point 5), in one Chromium with the fake camera and microphone:
// (a) how many participants one room holds while they keep receiving video at ≥ 15 fps. For N = 2, 3, …
//     pages, all publishing the same fake camera (640x480 at --fps, 30 by default) and microphone, join one
//     room through `createSession` — on the built-in provider (a peer-to-peer mesh: every page encodes its
//     video once per peer) and on the Janus provider (Debian's Janus VideoRoom: every page encodes once),
//     the two alternating at each N. After every page decodes all N − 1 remote videos and a settling time,
//     the frames each remote video stream decodes over a steady window (getStats inbound-rtp
//     framesDecoded) give its fps; a stream that never arrived counts 0. The largest N whose median over
//     all N·(N − 1) remote video streams stays ≥ 15 fps is the mode's figure (p10 reported beside it);
//     a mode stops growing once it falls below, and N stops at --max (8). CPU (cores) of Chromium and
//     Janus over the window comes from /proc (this process's descendants only).
// (b) Janus join → first remote frame, p50, beside bare WebRTC (getUserMedia + two RTCPeerConnections
//     signalled in the page: signaling-join-latency's baseline), alternated.
// Media stays on loopback: it runs inside the test environment's private network, re-executing itself
// through tools/test-environment/bin/private-network.mjs when started outside it.
// Usage: node bench/sfu-vs-mesh.mjs [--quick] [--max N] [--window S] [--fps F] [--joins J] [--json]
//        (no build needed: sources are bundled with esbuild; needs chromium and janus)
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { alternateRounds } from './lib/alternate.mjs'
import { defineBench } from './lib/benches.mjs'
import { bundleForBrowser } from './lib/browser-bundle.mjs'
import { describeMeasurement, loadBudgets } from './lib/budgets.mjs'
import { importBundledForNode } from './lib/node-bundle.mjs'
import { coresUsed, descendantCpuTimes } from './lib/process-cpu.mjs'
import { median } from './lib/statistics.mjs'
import { receivedFps, sentVideo } from './lib/video-stats.mjs'
import { repositoryRoot } from './lib/workspace.mjs'
import { percentile } from './signaling-join-latency.mjs'

/** Received video below this frame rate is not a usable call. */
const minimumFps = 15
const modes = /** @type {const} */ (['mesh', 'sfu'])
/** @typedef {typeof modes[number]} Mode */

/**
 * @typedef {{ maxParticipants: number, windowSeconds: number, settleSeconds: number, fps: number, joins: number, joinPauseMs: number, log: (line: string) => void }} Settings
 * @typedef {import('./lib/video-stats.mjs').VideoStats} VideoStats
 * @typedef {{
 *   join(options: { mode: Mode, room: string, identity: string }): Promise<void>
 *   leave(): Promise<void>
 *   videoStats(): Promise<VideoStats>
 *   timedJoin(options: { room: string, identity: string, publisherIdentity: string }): Promise<{ ms: number }>
 *   bareJoin(): Promise<{ ms: number }>
 * }} BenchPage
 * @typedef {typeof import('./lib/sfu-vs-mesh-servers')} Servers
 * @typedef {Awaited<ReturnType<Servers['launchChromium']>>} Browser
 * @typedef {Awaited<ReturnType<Browser['newPage']>>} Page
 * @typedef {{ participants: number, mode: Mode, medianFps: number, p10Fps: number, streams: number, expectedStreams: number,
 *   receivedHeight: number, sentFps: number, sentHeight: number, sentKbps: number, limitations: string[], cores: Record<string, number>, loadAverage: number, joinFailures: string[] }} Trial
 */

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The bench page (lib/sfu-vs-mesh-page.mjs) for Chromium, started with the Janus client adapter from
 * @callport/janus/client's sources, janus.js and webrtc-adapter imported from the Janus package's
 * directory, where they are installed (bench depends on none of them).
 */
async function bundlePage() {
  const page = fileURLToPath(new URL('./lib/sfu-vs-mesh-page.mjs', import.meta.url))
  const janusClient = join(repositoryRoot, 'packages', 'janus', 'src', 'client', 'index.ts')
  const contents = `import { startBenchPage } from ${JSON.stringify(page)}
import { janus } from ${JSON.stringify(janusClient)}
startBenchPage({ janus: janus({ sdk: () => import('janus-gateway'), webrtcAdapter: () => import('webrtc-adapter') }) })`
  const bundle = await bundleForBrowser({ entry: { contents, resolveDir: join(repositoryRoot, 'packages', 'janus') }, minify: true })
  if (bundle.nodeImports.length > 0) throw new Error(`the bench page imports Node built-ins: ${JSON.stringify(bundle.nodeImports)}`)
  return bundle.code
}

/** Chromium's processes, Janus, or another descendant of this process. @param {string} name */
const processGroup = (name) => (name === 'janus' ? 'janus' : /chrom|headless/i.test(name) ? 'chromium' : 'other')

/**
 * One room of `participants` pages in `mode`: join, wait until every page decodes every remote video,
 * settle, measure over the window, leave.
 * @param {{ newPage: () => Promise<Page> }} browser
 * @param {Mode} mode
 * @param {number} participants
 * @param {Settings} settings
 * @returns {Promise<Trial>}
 */
async function measureRoom(browser, mode, participants, settings) {
  const room = `${mode}-${participants}-${randomBytes(4).toString('hex')}`
  /** @type {Page[]} */
  const pages = []
  const statsOf = (/** @type {Page} */ page) => page.evaluate(() => /** @type {BenchPage} */ (/** @type {any} */ (window).sfuVsMesh).videoStats())
  /** @type {string[]} */
  const joinFailures = []
  try {
    for (let index = 0; index < participants; index++) {
      const page = await browser.newPage()
      pages.push(page)
      // A page that cannot join (a room too busy to answer in time) is measured as receiving nothing, and sending nothing to the others.
      await page
        .evaluate((/** @type {{ mode: Mode, room: string, identity: string }} */ options) => /** @type {BenchPage} */ (/** @type {any} */ (window).sfuVsMesh).join(options), {
          mode,
          room,
          identity: `${mode}-${participants}-${index}`,
        })
        .catch((/** @type {Error} */ error) => joinFailures.push(error.message.split('\n')[0] ?? String(error)))
    }
    // Every page decodes all the others' video (or the time is up: what is missing counts 0 fps).
    const deadline = Date.now() + 15_000 + 3_000 * participants
    for (;;) {
      const all = await Promise.all(pages.map((page) => statsOf(page)))
      const decoding = all.every((stats) => stats.inbound.filter((stream) => stream.framesDecoded > 0).length >= participants - 1)
      if (decoding || Date.now() > deadline) break
      await sleep(500)
    }
    await sleep(settings.settleSeconds * 1000)
    const cpuBefore = descendantCpuTimes(processGroup)
    const nodeBefore = process.cpuUsage()
    const startedAt = Date.now()
    const before = await Promise.all(pages.map((page) => statsOf(page)))
    await sleep(settings.windowSeconds * 1000)
    const after = await Promise.all(pages.map((page) => statsOf(page)))
    const seconds = (Date.now() - startedAt) / 1000
    const cores = coresUsed(cpuBefore, descendantCpuTimes(processGroup), seconds)
    delete cores.other
    const node = process.cpuUsage(nodeBefore)
    cores.node = (node.user + node.system) / 1e6 / seconds
    const { fps, heights } = receivedFps(before, after, participants - 1)
    const sent = sentVideo(before, after)
    return {
      participants,
      mode,
      medianFps: median(fps),
      p10Fps: percentile(fps, 0.1),
      streams: fps.filter((value) => value > 0).length,
      expectedStreams: participants * (participants - 1),
      receivedHeight: heights.length > 0 ? median(heights) : 0,
      sentFps: sent.fps,
      sentHeight: sent.height,
      sentKbps: sent.kbps,
      limitations: sent.limitations,
      cores,
      loadAverage: loadavg()[0] ?? 0,
      joinFailures,
    }
  } finally {
    await Promise.all(pages.map((page) => page.evaluate(() => /** @type {BenchPage} */ (/** @type {any} */ (window).sfuVsMesh).leave()).catch(() => undefined)))
    await Promise.all(pages.map((page) => page.context().close()))
  }
}

/** @param {Trial} trial */
function describeTrial(trial) {
  const cores = Object.entries(trial.cores)
    .filter(([, used]) => used >= 0.005)
    .map(([group, used]) => `${group} ${used.toFixed(2)}`)
    .join(', ')
  return (
    `  N=${trial.participants} ${trial.mode.padEnd(4)}: received fps median ${trial.medianFps.toFixed(1)}, p10 ${trial.p10Fps.toFixed(1)} ` +
    `(${trial.streams}/${trial.expectedStreams} streams, ${trial.receivedHeight}p); sent ${trial.sentFps.toFixed(1)} fps ${trial.sentHeight}p ` +
    `${trial.sentKbps.toFixed(0)} kbps${trial.limitations.length > 0 ? ` (limited: ${trial.limitations.join(', ')})` : ''}; cores: ${cores}; load ${trial.loadAverage.toFixed(1)}` +
    (trial.joinFailures.length > 0 ? `; ${trial.joinFailures.length} joins failed: ${trial.joinFailures[0]}` : '')
  )
}

/**
 * Both measurements, inside the private network.
 * @param {Settings} settings
 * @returns {Promise<import('./lib/benches.mjs').Measurement[]>}
 */
async function measureInPrivateNetwork(settings) {
  const { log } = settings
  // The servers' module and the Janus server half from @callport/janus/server's sources, bundled together.
  const contents = [
    `export * from ${JSON.stringify(fileURLToPath(new URL('./lib/sfu-vs-mesh-servers.ts', import.meta.url)))}`,
    `export { janus } from ${JSON.stringify(join(repositoryRoot, 'packages', 'janus', 'src', 'server', 'index.ts'))}`,
  ].join('\n')
  const servers = /** @type {Servers & { janus: Parameters<Servers['startSfuVsMeshServers']>[0]['janus'] }} */ (
    /** @type {unknown} */ (await importBundledForNode({ source: contents, resolveDir: repositoryRoot }))
  )
  const started = await servers.startSfuVsMeshServers({ page: await bundlePage(), repositoryRoot, janus: servers.janus })
  /** @type {Browser | undefined} */
  let chromium
  // Interrupted (Ctrl-C, or private-network passing on a signal): Chromium closes, which ends the
  // measurement; the cleanup below stops Janus, then the process exits.
  /** @type {NodeJS.Signals | undefined} */
  let interruption
  const interrupted = (/** @type {NodeJS.Signals} */ signal) => {
    interruption = signal
    void chromium?.close().catch(() => undefined)
  }
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted)
  try {
    chromium = await servers.launchChromium({
      args: [
        '--autoplay-policy=no-user-gesture-required',
        // The same camera for every page and both modes (the switch's last value wins).
        `--use-fake-device-for-media-stream=fps=${settings.fps}`,
        '--disable-renderer-backgrounding',
        '--disable-background-timer-throttling',
        '--disable-backgrounding-occluded-windows',
      ],
    })
    if (interruption) throw new Error(`sfu-vs-mesh: ${interruption}`)
    const browser = /** @type {Browser} */ (chromium)
    const newPage = async () => {
      const page = await (await browser.newContext()).newPage()
      await page.goto(started.url)
      await page.waitForFunction(() => 'sfuVsMesh' in window)
      return page
    }
    log(
      `  load average before: ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
    )

    // (b) Janus join → first remote frame, beside bare WebRTC.
    const room = `latency-${randomBytes(4).toString('hex')}`
    const publisher = await newPage()
    await publisher.evaluate(
      (/** @type {{ room: string }} */ { room }) => /** @type {BenchPage} */ (/** @type {any} */ (window).sfuVsMesh).join({ mode: 'sfu', room, identity: 'publisher' }),
      { room },
    )
    const joiner = await newPage()
    let joinIndex = 0
    const warmUp = 1
    // A Janus session's leave goes on after leave() resolves (janus.js hangs up and destroys its handles,
    // Janus tells the room): the next join waits a moment, so it does not pay for it.
    const pause = () => sleep(settings.joinPauseMs)
    const pairs = await alternateRounds(settings.joins + warmUp, {
      baseline: () => joiner.evaluate(() => /** @type {BenchPage} */ (/** @type {any} */ (window).sfuVsMesh).bareJoin()).then(async ({ ms }) => (await pause(), ms)),
      candidate: () =>
        joiner
          .evaluate(
            (/** @type {{ room: string, identity: string }} */ options) =>
              /** @type {BenchPage} */ (/** @type {any} */ (window).sfuVsMesh).timedJoin({ ...options, publisherIdentity: 'publisher' }),
            { room, identity: `joiner-${++joinIndex}` },
          )
          .then(async ({ ms }) => (await pause(), ms)),
    })
    await publisher.context().close()
    await joiner.context().close()
    const measured = pairs.slice(warmUp)
    const janusTimes = measured.map((pair) => pair.candidate)
    const bareTimes = measured.map((pair) => pair.baseline)
    // alternateRounds runs bare, Janus in even rounds and Janus, bare in odd ones: a Janus join follows a
    // bare one in even rounds and a Janus one in odd rounds (back to back, a join right after a Janus
    // join was ~130 ms slower: the two figures show whether the pause between joins is enough).
    const janusAfterBare = pairs.filter((_, round) => round >= warmUp && round % 2 === 0).map((pair) => pair.candidate)
    const janusAfterJanus = pairs.filter((_, round) => round >= warmUp && round % 2 === 1).map((pair) => pair.candidate)
    log(`  ${settings.joins} joins each; Janus, prepare(room) then Join → first remote frame (ms): ${janusTimes.map((value) => value.toFixed(0)).join(' ')}`)
    log(`  bare WebRTC (ms): ${bareTimes.map((value) => value.toFixed(0)).join(' ')}`)

    // (a) Participants per room at ≥ 15 fps, mesh and SFU alternating at each N.
    /** @type {Trial[]} */
    const trials = []
    /** @type {Record<Mode, number>} */
    const largest = { mesh: 1, sfu: 1 }
    /** @type {Set<Mode>} */
    const growing = new Set(modes)
    for (let participants = 2; participants <= settings.maxParticipants && growing.size > 0; participants++) {
      const order = participants % 2 === 0 ? modes : [...modes].reverse()
      for (const mode of order.filter((each) => growing.has(each))) {
        const trial = await measureRoom({ newPage }, mode, participants, settings)
        trials.push(trial)
        log(describeTrial(trial))
        if (trial.medianFps >= minimumFps) largest[mode] = participants
        else growing.delete(mode)
      }
    }
    const capped = modes.filter((mode) => growing.has(mode))
    const cap = (/** @type {Mode} */ mode) => (capped.includes(mode) ? ` (at least: still ≥ ${minimumFps} fps at --max ${settings.maxParticipants})` : '')
    const details = { fps: settings.fps, windowSeconds: settings.windowSeconds, settleSeconds: settings.settleSeconds, maxParticipants: settings.maxParticipants, trials }
    return [
      {
        id: 'sfu-mesh-participants-ratio',
        label: `participants per room at median received video ≥ ${minimumFps} fps, SFU (Janus) ÷ mesh (built-in)`,
        value: largest.sfu / largest.mesh,
        unit: 'ratio',
        parts: [
          { label: `SFU (Janus)${cap('sfu')}`, value: largest.sfu, unit: 'participants' },
          { label: `mesh (built-in provider)${cap('mesh')}`, value: largest.mesh, unit: 'participants' },
        ],
        details,
      },
      {
        id: 'sfu-participants-at-15-fps',
        label: `SFU (Janus): largest room with median received video ≥ ${minimumFps} fps${cap('sfu')}`,
        value: largest.sfu,
        unit: 'participants',
      },
      {
        id: 'mesh-participants-at-15-fps',
        label: `mesh (built-in provider): largest room with median received video ≥ ${minimumFps} fps${cap('mesh')}`,
        value: largest.mesh,
        unit: 'participants',
      },
      {
        id: 'janus-first-frame-p50-ms',
        label: 'Janus: prepare(room), then Join → first remote frame, p50',
        value: median(janusTimes),
        unit: 'ms',
        parts: [
          { label: 'bare WebRTC, p50', value: median(bareTimes), unit: 'ms' },
          ...(janusAfterBare.length > 0 && janusAfterJanus.length > 0
            ? [
                { label: 'Janus after a bare join, p50', value: median(janusAfterBare), unit: 'ms' },
                { label: 'Janus after a Janus join, p50', value: median(janusAfterJanus), unit: 'ms' },
              ]
            : []),
        ],
      },
      {
        id: 'janus-first-frame-ratio',
        label: 'Janus join p50 ÷ bare WebRTC p50',
        value: median(janusTimes) / median(bareTimes),
        unit: 'ratio',
      },
    ]
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted)
    await chromium?.close().catch(() => undefined)
    await started.close()
    if (interruption) process.exit(interruption === 'SIGINT' ? 130 : 143)
  }
}

/**
 * Runs the bench inside the private network: here when this process is in it, else in a child re-executed
 * through private-network (its lines forwarded to `log`, its measurements read back from a file).
 * @param {Settings} settings
 * @returns {Promise<import('./lib/benches.mjs').Measurement[]>}
 */
export async function measureSfuVsMesh(settings) {
  if (process.env.CALLPORT_PRIVATE_NETWORK === '1') return measureInPrivateNetwork(settings)
  // private-network could not make the namespace and ran this process as it is: media would leave loopback.
  const unavailable = process.env.CALLPORT_PRIVATE_NETWORK_UNAVAILABLE
  if (unavailable) throw new Error(`sfu-vs-mesh needs the private loopback-only network namespace: ${unavailable}`)
  const directory = mkdtempSync(join(tmpdir(), 'callport-sfu-vs-mesh-'))
  const resultsFile = join(directory, 'measurements.json')
  try {
    const script = fileURLToPath(import.meta.url)
    const options = [
      '--max',
      settings.maxParticipants,
      '--window',
      settings.windowSeconds,
      '--settle',
      settings.settleSeconds,
      '--fps',
      settings.fps,
      '--joins',
      settings.joins,
    ]
    const child = spawn(
      process.execPath,
      [join(repositoryRoot, 'tools', 'test-environment', 'bin', 'private-network.mjs'), process.execPath, script, ...options.map(String), '--results', resultsFile],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let pending = ''
    child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
      const lines = (pending + chunk.toString()).split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) settings.log(line)
    })
    // Interrupted: the child stops Janus and Chromium, then this process exits with it.
    let interrupted = false
    const passOn = (/** @type {NodeJS.Signals} */ signal) => {
      interrupted = true
      child.kill(signal)
    }
    process.once('SIGINT', passOn).once('SIGTERM', passOn)
    const code = await new Promise((resolve) => child.on('exit', (exitCode, signal) => resolve(exitCode ?? signal)))
    process.off('SIGINT', passOn).off('SIGTERM', passOn)
    if (interrupted) {
      rmSync(directory, { recursive: true, force: true })
      process.exit(typeof code === 'number' ? code : 143)
    }
    if (code !== 0) throw new Error(`sfu-vs-mesh in the private network exited with ${code}`)
    return JSON.parse(readFileSync(resultsFile, 'utf8'))
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

/** @param {boolean} quick @param {(line: string) => void} log @returns {Settings} */
const defaults = (quick, log) => ({
  maxParticipants: quick ? 4 : 8,
  windowSeconds: quick ? 5 : 15,
  settleSeconds: quick ? 2 : 5,
  fps: 30,
  joins: quick ? 5 : 20,
  joinPauseMs: 1000,
  log,
})

export default defineBench({
  name: 'sfu-vs-mesh',
  description:
    'Participants per room keeping ≥ 15 fps received video in one Chromium, mesh (built-in provider) against SFU (Janus), alternating; Janus join → first remote frame against bare WebRTC',
  deterministic: false,
  measures: ['sfu-mesh-participants-ratio', 'sfu-participants-at-15-fps', 'mesh-participants-at-15-fps', 'janus-first-frame-p50-ms', 'janus-first-frame-ratio'],
  run: ({ quick, log }) => measureSfuVsMesh(defaults(quick, log)),
})

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      max: { type: 'string' },
      window: { type: 'string' },
      settle: { type: 'string' },
      fps: { type: 'string' },
      joins: { type: 'string' },
      results: { type: 'string' },
    },
  })
  const log = (/** @type {string} */ line) => console.log(line)
  const settings = defaults(values.quick ?? false, log)
  /** @type {[keyof Settings, 'max' | 'window' | 'settle' | 'fps' | 'joins', number][]} */
  const given = [
    ['maxParticipants', 'max', 2],
    ['windowSeconds', 'window', 1],
    ['settleSeconds', 'settle', 0],
    ['fps', 'fps', 5],
    ['joins', 'joins', 1],
  ]
  for (const [key, option, least] of given) {
    const text = values[option]
    if (text === undefined) continue
    const value = Number(text)
    if (!Number.isFinite(value) || value < least) throw new Error(`--${option}: expected a number ≥ ${least}, got ${text}`)
    Object.assign(settings, { [key]: value })
  }
  if (!values.results) log('sfu-vs-mesh: mesh (built-in provider) against SFU (Janus) in one Chromium on loopback')
  const measurements = await measureSfuVsMesh(settings)
  // Re-executed in the private network by measureSfuVsMesh: the measurements go back through the file.
  if (values.results) writeFileSync(values.results, JSON.stringify(measurements))
  else {
    const budgets = loadBudgets()
    for (const measurement of measurements) {
      for (const line of describeMeasurement(measurement, budgets[measurement.id])) log(line)
      if (values.json) log(JSON.stringify(measurement))
    }
  }
}
