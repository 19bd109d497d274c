#!/usr/bin/env node
// @ts-check
// Join latency of the built-in provider in Chromium on loopback: from `join` clicked on the demo
// page to the first frame of the other participant's video, p50 and p95 over ≥ 20 joins; and the
// same page's bare WebRTC set-up (getUserMedia + two RTCPeerConnections wired directly, no token,
// no socket.io) measured in the same browser as the baseline, so the ratio is what Callport adds.
// Usage: node bench/signaling-join-latency.mjs [--quick] [--joins N]   (after `turbo run build`)
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { defineBench } from './lib/benches.mjs'
import { describeMeasurement, loadBudgets } from './lib/budgets.mjs'
import { median } from './lib/statistics.mjs'
import { repositoryRoot } from './lib/workspace.mjs'

// The demo is what is measured: its build, and playwright-core from its dependencies.
const demoDirectory = `${repositoryRoot}/apps/demo`
const requireFromDemo = createRequire(`${demoDirectory}/package.json`)

/**
 * The value below which `fraction` of the sorted values lie (nearest rank).
 * @param {number[]} values
 * @param {number} fraction
 */
function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b)
  return /** @type {number} */ (sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)])
}

function chromiumPath() {
  const path = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => candidate && existsSync(candidate))
  if (!path) throw new Error("chromium not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH")
  return path
}

/**
 * Runs in the page: clicks Join, resolves with the milliseconds until the first frame of
 * `publisher`'s video is presented.
 * @param {string} publisher
 */
const joinToFirstFrame = async (publisher) => {
  const join = /** @type {HTMLButtonElement} */ (document.getElementById('join'))
  const started = performance.now()
  join.click()
  /** @type {HTMLVideoElement} */
  const video = await new Promise((resolve) => {
    const look = () => {
      const found = /** @type {HTMLVideoElement | null} */ (document.querySelector(`.tile[data-identity="${publisher}"] video`))
      if (found?.srcObject) resolve(found)
      else setTimeout(look, 2)
    }
    look()
  })
  await new Promise((resolve) => video.requestVideoFrameCallback(resolve))
  return performance.now() - started
}

/** Runs in the page: the same media path without Callport, from getUserMedia to the first frame. */
const bareWebrtcToFirstFrame = async () => {
  const started = performance.now()
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true })
  const sender = new RTCPeerConnection()
  const receiver = new RTCPeerConnection()
  sender.addEventListener('icecandidate', ({ candidate }) => {
    if (candidate) receiver.addIceCandidate(candidate).catch((error) => console.error(error))
  })
  receiver.addEventListener('icecandidate', ({ candidate }) => {
    if (candidate) sender.addIceCandidate(candidate).catch((error) => console.error(error))
  })
  const video = document.createElement('video')
  video.muted = true
  video.autoplay = true
  receiver.addEventListener('track', ({ track }) => {
    if (track.kind === 'video') video.srcObject = new MediaStream([track])
  })
  for (const track of stream.getTracks()) sender.addTrack(track, stream)
  await sender.setLocalDescription()
  await receiver.setRemoteDescription(/** @type {RTCSessionDescription} */ (sender.localDescription))
  await receiver.setLocalDescription()
  await sender.setRemoteDescription(/** @type {RTCSessionDescription} */ (receiver.localDescription))
  await new Promise((resolve) => video.requestVideoFrameCallback(resolve))
  const elapsed = performance.now() - started
  sender.close()
  receiver.close()
  for (const track of stream.getTracks()) track.stop()
  return elapsed
}

/**
 * @param {{ joins: number, log: (line: string) => void }} options
 * @returns {Promise<import('./lib/benches.mjs').Measurement[]>}
 */
export async function measureJoinLatency({ joins, log }) {
  const { startDemoServer } = await import(pathToFileURL(`${demoDirectory}/dist/index.js`).href)
  const { chromium } = requireFromDemo('playwright-core')
  const demo = await startDemoServer({ port: 0, environment: { CALLPORT_SIGNALING_SECRET: randomBytes(32).toString('base64url') } })
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required', '--disable-gpu'],
  })
  try {
    const room = `latency-${Date.now().toString(36)}`
    /** @param {string} name */
    const openPage = async (name) => {
      const page = await (await browser.newContext()).newPage()
      await page.goto(demo.url)
      await page.fill('#name', name)
      await page.fill('#room', room)
      return page
    }
    const publisher = await openPage('Publisher')
    await publisher.click('#join')
    await publisher.waitForFunction(() => document.getElementById('state')?.textContent === 'connected')
    const publisherIdentity = await publisher.textContent('#identity')
    const joiner = await openPage('Joiner')

    const warmUp = 2
    /** @type {number[]} */
    const latencies = []
    /** @type {number[]} */
    const baselines = []
    for (let index = 0; index < joins + warmUp; index++) {
      const latency = await joiner.evaluate(joinToFirstFrame, publisherIdentity)
      await joiner.click('#leave')
      await joiner.waitForFunction(() => document.getElementById('state')?.textContent === 'disconnected')
      await publisher.waitForFunction(() => document.querySelectorAll('#participants li').length === 0)
      const baseline = await joiner.evaluate(bareWebrtcToFirstFrame)
      if (index < warmUp) continue
      latencies.push(latency)
      baselines.push(baseline)
    }
    log(`  ${joins} joins; join → first remote frame (ms): ${latencies.map((value) => value.toFixed(0)).join(' ')}`)
    const parts = [{ label: 'bare WebRTC, median', value: median(baselines), unit: 'ms' }]
    return [
      { id: 'signaling-join-latency-p50-ms', label: 'join → first remote frame, p50', value: median(latencies), unit: 'ms', parts },
      { id: 'signaling-join-latency-p95-ms', label: 'join → first remote frame, p95', value: percentile(latencies, 0.95), unit: 'ms' },
      {
        id: 'signaling-join-latency-ratio',
        label: 'join p50 ÷ bare WebRTC p50',
        value: median(latencies) / median(baselines),
        unit: 'ratio',
        parts: [{ label: 'bare WebRTC, p95', value: percentile(baselines, 0.95), unit: 'ms' }],
      },
    ]
  } finally {
    await browser.close()
    await demo.close()
  }
}

export default defineBench({
  name: 'signaling-join-latency',
  description: 'Built-in provider in Chromium on loopback: demo page Join clicked → first frame of the other participant, against bare WebRTC in the same page',
  deterministic: false,
  measures: ['signaling-join-latency-p50-ms', 'signaling-join-latency-p95-ms', 'signaling-join-latency-ratio'],
  run: ({ quick, log }) => measureJoinLatency({ joins: quick ? 20 : 40, log }),
})

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const joinsArgument = process.argv.indexOf('--joins')
  const joins = joinsArgument > 0 ? Number(process.argv[joinsArgument + 1]) : process.argv.includes('--quick') ? 20 : 40
  if (!Number.isInteger(joins) || joins < 20) throw new Error('--joins must be a whole number of at least 20')
  const budgets = loadBudgets()
  const log = (/** @type {string} */ line) => console.log(line)
  log('signaling-join-latency: demo page Join → first remote frame, Chromium on loopback')
  for (const measurement of await measureJoinLatency({ joins, log })) {
    for (const line of describeMeasurement(measurement, budgets[measurement.id])) log(line)
  }
}
