// @ts-check
// What bench/sfu-vs-mesh.mjs computes from two getStats samples of every page (lib/sfu-vs-mesh-page.mjs videoStats).
import { median } from './statistics.mjs'

/**
 * @typedef {{ id: string, framesDecoded: number, frameWidth: number, frameHeight: number, bytes: number, timestamp: number }} InboundStats
 * @typedef {{ id: string, framesEncoded: number, frameWidth: number, frameHeight: number, bytes: number, limitation: string, timestamp: number }} OutboundStats
 * @typedef {{ inbound: InboundStats[], outbound: OutboundStats[] }} VideoStats one page's video RTP streams
 */

/**
 * Frames per second of each remote video stream between two samples of every page (streams matched by
 * id), padded with 0 for the streams a page should receive (N − 1) but does not.
 * @param {VideoStats[]} before
 * @param {VideoStats[]} after
 * @param {number} expectedPerPage
 */
export function receivedFps(before, after, expectedPerPage) {
  /** @type {number[]} */
  const fps = []
  /** @type {number[]} */
  const heights = []
  after.forEach((stats, page) => {
    const earlier = new Map((before[page]?.inbound ?? []).map((stream) => [stream.id, stream]))
    let counted = 0
    for (const stream of stats.inbound) {
      const start = earlier.get(stream.id)
      if (!start || stream.timestamp <= start.timestamp) continue
      fps.push(((stream.framesDecoded - start.framesDecoded) * 1000) / (stream.timestamp - start.timestamp))
      heights.push(stream.frameHeight)
      counted += 1
    }
    for (let missing = counted; missing < expectedPerPage; missing++) fps.push(0)
  })
  return { fps, heights }
}

/**
 * What the pages send: median fps, height and kbps of their outbound video streams, and why the encoder limited quality.
 * @param {VideoStats[]} before
 * @param {VideoStats[]} after
 */
export function sentVideo(before, after) {
  /** @type {{ fps: number, height: number, kbps: number, limitation: string }[]} */
  const streams = []
  after.forEach((stats, page) => {
    const earlier = new Map((before[page]?.outbound ?? []).map((stream) => [stream.id, stream]))
    for (const stream of stats.outbound) {
      const start = earlier.get(stream.id)
      if (!start || stream.timestamp <= start.timestamp) continue
      const seconds = (stream.timestamp - start.timestamp) / 1000
      streams.push({
        fps: (stream.framesEncoded - start.framesEncoded) / seconds,
        height: stream.frameHeight,
        kbps: ((stream.bytes - start.bytes) * 8) / seconds / 1000,
        limitation: stream.limitation,
      })
    }
  })
  if (streams.length === 0) return { fps: 0, height: 0, kbps: 0, limitations: [] }
  return {
    fps: median(streams.map((stream) => stream.fps)),
    height: median(streams.map((stream) => stream.height)),
    kbps: median(streams.map((stream) => stream.kbps)),
    limitations: [...new Set(streams.map((stream) => stream.limitation).filter((reason) => reason !== 'none'))],
  }
}
