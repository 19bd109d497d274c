// @ts-check
// The page of bench/signaling-join-latency.mjs, bundled for Chromium by bundleForBrowser: a Callport
// session on the built-in provider (`createSession` + `signaling()`), and the same media path on
// bare WebRTC, each timed from the moment Join would be clicked to the first frame of remote video.
import { createSession } from '@callport/client'
import { signaling } from '@callport/signaling/client'

/** @param {string} identity */
function actAs(identity) {
  document.cookie = `bench_identity=${encodeURIComponent(identity)}; path=/`
}

/** Resolves when `video` presents a frame. @param {HTMLVideoElement} video */
function firstFrame(video) {
  return new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(undefined)))
}

/** @param {HTMLMediaElement} element */
function show(element) {
  element.muted = true
  element.autoplay = true
  document.body.append(element)
  element.play().catch(() => undefined)
}

/** @type {import('@callport/client').Session | undefined} */
let publisher

/**
 * The participant already in the room: joins with camera and microphone and stays.
 * @param {string} room
 * @param {string} identity
 */
async function publish(room, identity) {
  actAs(identity)
  publisher = createSession({ adapters: [signaling()], token: '/calls/join' })
  await publisher.join(room, { audio: true, video: true })
}

/**
 * One timed Callport join: a new session (prepared for `room` beforehand when `prepare` is asked and the
 * session has it), then Join → the first frame of `publisherIdentity`'s video; then leaves.
 * @param {{ room: string, identity: string, publisherIdentity: string, prepare: boolean }} options
 * @returns {Promise<{ ms: number, prepared: boolean }>}
 */
async function callportJoin({ room, identity, publisherIdentity, prepare }) {
  actAs(identity)
  const session = createSession({ adapters: [signaling()], token: '/calls/join' })
  const prepared = prepare && typeof session.prepare === 'function'
  if (prepared) await session.prepare(room)
  /** @type {HTMLMediaElement | undefined} */
  let element
  const started = performance.now()
  const shown = new Promise((resolve) => {
    session.on('track-subscribed', ({ participant, track }) => {
      if (participant.identity !== publisherIdentity || track.kind !== 'video') return
      element = track.attach()
      show(element)
      resolve(firstFrame(/** @type {HTMLVideoElement} */ (element)))
    })
  })
  await session.join(room, { audio: true, video: true })
  await shown
  const ms = performance.now() - started
  await session.leave()
  element?.remove()
  return { ms, prepared }
}

/** The same media path without Callport: getUserMedia, two RTCPeerConnections signalled in the page, the first remote frame. */
async function bareJoin() {
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
  receiver.addEventListener('track', ({ track }) => {
    if (track.kind === 'video') video.srcObject = new MediaStream([track])
  })
  show(video)
  for (const track of stream.getTracks()) sender.addTrack(track, stream)
  await sender.setLocalDescription()
  await receiver.setRemoteDescription(/** @type {RTCSessionDescription} */ (sender.localDescription))
  await receiver.setLocalDescription()
  await sender.setRemoteDescription(/** @type {RTCSessionDescription} */ (receiver.localDescription))
  await firstFrame(video)
  const ms = performance.now() - started
  sender.close()
  receiver.close()
  for (const track of stream.getTracks()) track.stop()
  video.remove()
  return { ms }
}

Object.assign(window, { bench: { publish, callportJoin, bareJoin } })
