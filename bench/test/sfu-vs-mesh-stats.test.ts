import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { coresUsed, descendantCpuTimes } from '../lib/process-cpu.mjs'
import { receivedFps, sentVideo, type VideoStats } from '../lib/video-stats.mjs'

const inbound = (id: string, framesDecoded: number, timestamp: number, frameHeight = 480) => ({ id, framesDecoded, frameWidth: 640, frameHeight, bytes: 0, timestamp })
const outbound = (id: string, framesEncoded: number, bytes: number, timestamp: number, limitation = 'none') => ({
  id,
  framesEncoded,
  frameWidth: 640,
  frameHeight: 480,
  bytes,
  limitation,
  timestamp,
})

describe('receivedFps', () => {
  it("gives each remote video stream's decoded frames per second between the samples, 0 for each stream a page misses", () => {
    const before: VideoStats[] = [
      { inbound: [inbound('1/a', 100, 1_000), inbound('2/b', 50, 1_000)], outbound: [] },
      { inbound: [inbound('1/c', 0, 1_000)], outbound: [] },
      { inbound: [], outbound: [] },
    ]
    const after: VideoStats[] = [
      { inbound: [inbound('1/a', 400, 11_000), inbound('2/b', 200, 11_000, 240)], outbound: [] },
      // 1/d appeared after the first sample: not measurable, so it counts as missing.
      { inbound: [inbound('1/c', 250, 11_000), inbound('1/d', 90, 11_000)], outbound: [] },
      { inbound: [], outbound: [] },
    ]
    const { fps, heights } = receivedFps(before, after, 2)
    expect(fps).toEqual([30, 15, 25, 0, 0, 0])
    expect(heights).toEqual([480, 240, 480])
  })
})

describe('sentVideo', () => {
  it("gives the median outbound fps, height and kbps, and the encoders' quality limitations", () => {
    const before: VideoStats[] = [
      { inbound: [], outbound: [outbound('1/x', 0, 0, 0), outbound('2/y', 0, 0, 0)] },
      { inbound: [], outbound: [outbound('1/z', 0, 0, 0)] },
    ]
    const after: VideoStats[] = [
      { inbound: [], outbound: [outbound('1/x', 300, 1_000_000, 10_000), outbound('2/y', 200, 500_000, 10_000, 'cpu')] },
      { inbound: [], outbound: [outbound('1/z', 250, 750_000, 10_000, 'bandwidth')] },
    ]
    expect(sentVideo(before, after)).toEqual({ fps: 25, height: 480, kbps: 600, limitations: ['cpu', 'bandwidth'] })
    expect(sentVideo(before, [{ inbound: [], outbound: [] }])).toEqual({ fps: 0, height: 0, kbps: 0, limitations: [] })
  })
})

describe('descendantCpuTimes and coresUsed', () => {
  it("read the CPU time of this process's descendants from /proc, grouped by name, and the cores they used between two samples", async () => {
    // A child that spins for a while: its CPU time grows between the two samples.
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 3000; while (Date.now() < end);'], { stdio: 'ignore' })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    try {
      const groupOf = (name: string) => (name === 'node' ? 'node' : 'other')
      await expect.poll(() => descendantCpuTimes(groupOf).get(child.pid!)?.group, { timeout: 2_000 }).toBe('node')
      const before = descendantCpuTimes(groupOf)
      const startedAt = Date.now()
      await expect.poll(() => (descendantCpuTimes(groupOf).get(child.pid!)?.seconds ?? 0) - (before.get(child.pid!)?.seconds ?? 0), { timeout: 2_500 }).toBeGreaterThan(0.3)
      const used = coresUsed(before, descendantCpuTimes(groupOf), (Date.now() - startedAt) / 1000)
      expect(used.node).toBeGreaterThan(0.3)
      expect(used.node).toBeLessThanOrEqual(1.2)
    } finally {
      child.kill()
      await exited
    }
  })

  it('counts only processes present in both samples', () => {
    const before = new Map([[1, { group: 'janus', seconds: 2 }]])
    const after = new Map([
      [1, { group: 'janus', seconds: 3 }],
      [2, { group: 'chromium', seconds: 50 }],
    ])
    expect(coresUsed(before, after, 4)).toEqual({ janus: 0.25 })
  })
})
