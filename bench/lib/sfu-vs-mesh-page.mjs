// @ts-check
// The page of bench/sfu-vs-mesh.mjs, bundled for Chromium (bundlePage in bench/sfu-vs-mesh.mjs): a
// Callport session (`createSession`) on the built-in provider (mesh) or on the Janus provider (SFU), the
// page's peer connections watched through getStats, and the join-latency bench's bare WebRTC join
// (lib/join-latency-page.mjs, the same baseline as signaling-join-latency).
import { createSession } from '@callport/client'
import { signaling } from '@callport/signaling/client'
import './join-latency-page.mjs'

/** Every RTCPeerConnection the page made (the SDKs' included), for getStats, numbered in order. */
const peerConnections = /** @type {Map<RTCPeerConnection, number>} */ (new Map())
const NativePeerConnection = window.RTCPeerConnection
window.RTCPeerConnection = class extends NativePeerConnection {
  /** @param {RTCConfiguration} [configuration] */
  constructor(configuration) {
    super(configuration)
    peerConnections.set(this, peerConnections.size + 1)
  }
}

/** @type {import('@callport/core').ClientAdapter | undefined} */
let janusAdapter

/** @typedef {'mesh' | 'sfu'} Mode */

/** @param {Mode} mode */
function newSession(mode) {
  if (mode === 'sfu' && !janusAdapter) throw new Error('startBenchPage was not called')
  return createSession({ adapters: [mode === 'mesh' ? signaling() : /** @type {import('@callport/core').ClientAdapter} */ (janusAdapter)], token: `/calls/${mode}/join` })
}

/** @param {string} identity */
function actAs(identity) {
  document.cookie = `bench_identity=${encodeURIComponent(identity)}; path=/`
}

/** @param {HTMLMediaElement} element */
function show(element) {
  element.muted = true
  element.autoplay = true
  if (element instanceof HTMLVideoElement) Object.assign(element, { width: 160, height: 120 })
  document.body.append(element)
  element.play().catch(() => undefined)
}

/** @type {import('@callport/client').Session | undefined} */
let session

/**
 * Joins `room` publishing camera and microphone, and shows every remote video it is given.
 * @param {{ mode: Mode, room: string, identity: string }} options
 */
async function join({ mode, room, identity }) {
  actAs(identity)
  session = newSession(mode)
  session.on('track-subscribed', ({ track }) => {
    if (track.kind === 'video') show(track.attach())
  })
  session.on('track-unsubscribed', ({ track }) => track.detach().forEach((element) => element.remove()))
  await session.join(room, { audio: true, video: true })
}

async function leave() {
  await session?.leave()
  session = undefined
}

/**
 * The video RTP streams of every open peer connection: frames decoded by each inbound stream, what each
 * outbound stream sends, with the stats' timestamps.
 */
async function videoStats() {
  /** @type {{ id: string, framesDecoded: number, frameWidth: number, frameHeight: number, bytes: number, timestamp: number }[]} */
  const inbound = []
  /** @type {{ id: string, framesEncoded: number, frameWidth: number, frameHeight: number, bytes: number, limitation: string, timestamp: number }[]} */
  const outbound = []
  for (const [connection, number] of peerConnections) {
    if (connection.signalingState === 'closed') continue
    const report = await connection.getStats()
    report.forEach((/** @type {any} */ stats) => {
      if (stats.kind !== 'video') return
      const id = `${number}/${stats.id}`
      const common = { id, frameWidth: stats.frameWidth ?? 0, frameHeight: stats.frameHeight ?? 0, timestamp: stats.timestamp }
      if (stats.type === 'inbound-rtp') inbound.push({ ...common, framesDecoded: stats.framesDecoded ?? 0, bytes: stats.bytesReceived ?? 0 })
      if (stats.type === 'outbound-rtp')
        outbound.push({ ...common, framesEncoded: stats.framesEncoded ?? 0, bytes: stats.bytesSent ?? 0, limitation: stats.qualityLimitationReason ?? 'none' })
    })
  }
  return { inbound, outbound }
}

/** Resolves when `video` presents a frame. @param {HTMLVideoElement} video */
function firstFrame(video) {
  return new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(undefined)))
}

/**
 * One timed join on the Janus provider: a new session (prepared for `room` beforehand), then Join → the
 * first frame of `publisherIdentity`'s video; then leaves.
 * @param {{ room: string, identity: string, publisherIdentity: string }} options
 * @returns {Promise<{ ms: number }>}
 */
async function timedJoin({ room, identity, publisherIdentity }) {
  actAs(identity)
  const timed = newSession('sfu')
  await timed.prepare(room)
  /** @type {HTMLMediaElement | undefined} */
  let element
  const started = performance.now()
  const shown = new Promise((resolve) => {
    timed.on('track-subscribed', ({ participant, track }) => {
      if (participant.identity !== publisherIdentity || track.kind !== 'video') return
      element = track.attach()
      show(element)
      resolve(firstFrame(/** @type {HTMLVideoElement} */ (element)))
    })
  })
  await timed.join(room, { audio: true, video: true })
  await shown
  const ms = performance.now() - started
  await timed.leave()
  element?.remove()
  return { ms }
}

/**
 * Takes the Janus provider's client adapter (made by the entry bench/sfu-vs-mesh.mjs bundles, which
 * imports @callport/janus/client's sources, janus.js and webrtc-adapter from packages/janus: bench depends
 * on none of them) and offers the page's functions to the bench as `window.sfuVsMesh`.
 * @param {{ janus: import('@callport/core').ClientAdapter }} adapters
 */
export function startBenchPage({ janus }) {
  janusAdapter = janus
  const { bareJoin } = /** @type {{ bench: { bareJoin: () => Promise<{ ms: number }> } }} */ (/** @type {unknown} */ (window)).bench
  Object.assign(window, { sfuVsMesh: { join, leave, videoStats, timedJoin, bareJoin } })
}
