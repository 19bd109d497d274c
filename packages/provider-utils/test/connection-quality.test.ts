import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CallportError, type Participant } from '@callport/core'
import { classifyConnectionQuality, monitorConnectionQuality, sampleFromStats, type ConnectionQualityChange, type ConnectionQualitySource } from '../src/client/index'

const ada: Participant = { identity: 'ada', role: 'publisher' }
const bob: Participant = { identity: 'bob', role: 'publisher' }

describe('classifyConnectionQuality', () => {
  it.each([
    [{}, 'excellent'],
    [{ roundTripTimeMs: 149, lossFraction: 0.009, jitterMs: 19 }, 'excellent'],
    [{ roundTripTimeMs: 150 }, 'good'],
    [{ lossFraction: 0.01 }, 'good'],
    [{ jitterMs: 20 }, 'good'],
    [{ roundTripTimeMs: 399, lossFraction: 0.049, jitterMs: 49 }, 'good'],
    [{ roundTripTimeMs: 400 }, 'poor'],
    [{ lossFraction: 0.05 }, 'poor'],
    [{ jitterMs: 50 }, 'poor'],
    [{ msSinceLastPacket: 4999 }, 'excellent'],
    [{ msSinceLastPacket: 5000 }, 'lost'],
    [{ connectionState: 'failed' }, 'lost'],
    [{ connectionState: 'disconnected' }, 'lost'],
    [{ iceConnectionState: 'disconnected' }, 'lost'],
    [{ connectionState: 'connected', iceConnectionState: 'connected', roundTripTimeMs: 20 }, 'excellent'],
  ] as const)('%o → %s', (sample, quality) => {
    expect(classifyConnectionQuality(sample)).toBe(quality)
  })
})

/** A getStats report as Chromium gives one: inbound audio, what the peer reports of ours, the selected candidate pair. */
function report(figures: {
  packetsReceived: number
  packetsLost: number
  jitter?: number
  videoJitter?: number
  rtt?: number
  remoteFractionLost?: number
  pairPacketsReceived?: number
}): RTCStatsReport {
  const timestamp = 0
  const stats: (RTCInboundRtpStreamStats | RTCIceCandidatePairStats | RTCTransportStats | RTCStats)[] = [
    {
      id: 'IA',
      type: 'inbound-rtp',
      timestamp,
      kind: 'audio',
      ssrc: 1,
      packetsReceived: figures.packetsReceived,
      packetsLost: figures.packetsLost,
      jitter: figures.jitter ?? 0.002,
      trackIdentifier: 't',
      bytesReceived: 0,
    } satisfies RTCInboundRtpStreamStats,
    {
      id: 'IV',
      type: 'inbound-rtp',
      timestamp,
      kind: 'video',
      ssrc: 2,
      packetsReceived: 0,
      packetsLost: 0,
      jitter: figures.videoJitter ?? 0.03,
      trackIdentifier: 'v',
      bytesReceived: 0,
    } satisfies RTCInboundRtpStreamStats,
    { id: 'T', type: 'transport', timestamp, selectedCandidatePairId: 'CP1' },
    {
      id: 'CP1',
      type: 'candidate-pair',
      timestamp,
      state: 'succeeded',
      nominated: true,
      localCandidateId: 'L',
      remoteCandidateId: 'R',
      transportId: 'T',
      currentRoundTripTime: figures.rtt ?? 0.01,
      packetsReceived: figures.pairPacketsReceived ?? 0,
    } satisfies RTCIceCandidatePairStats,
    {
      id: 'CP2',
      type: 'candidate-pair',
      timestamp,
      state: 'failed',
      nominated: false,
      localCandidateId: 'L2',
      remoteCandidateId: 'R2',
      transportId: 'T',
      currentRoundTripTime: 9,
      packetsReceived: 5,
    } satisfies RTCIceCandidatePairStats,
  ]
  if (figures.remoteFractionLost !== undefined)
    stats.push({ id: 'RI', type: 'remote-inbound-rtp', timestamp, kind: 'audio', ssrc: 3, fractionLost: figures.remoteFractionLost } as RTCStats)
  return new Map(stats.map((stat) => [stat.id, stat]))
}

type PeerConnection = ConnectionQualitySource['peerConnection']

class FakePeerConnection implements PeerConnection {
  connectionState: RTCPeerConnectionState = 'connected'
  iceConnectionState: RTCIceConnectionState = 'connected'
  next: RTCStatsReport = report({ packetsReceived: 0, packetsLost: 0 })
  readonly getStats = vi.fn(async (): Promise<RTCStatsReport> => this.next)
}

describe('sampleFromStats', () => {
  it('takes the loss of the interval from deltas, audio jitter, the selected pair’s RTT', () => {
    const first = sampleFromStats(report({ packetsReceived: 100, packetsLost: 10 }), {}, 1000, undefined)
    expect(first.sample).toEqual({ msSinceLastPacket: 0, roundTripTimeMs: 10, jitterMs: 2 })
    const second = sampleFromStats(report({ packetsReceived: 190, packetsLost: 20, rtt: 0.2 }), {}, 3000, first.counters)
    expect(second.sample.lossFraction).toBeCloseTo(0.1)
    expect(second.sample.roundTripTimeMs).toBe(200)
    expect(second.sample.msSinceLastPacket).toBe(0)
  })

  it('counts the time since a packet last arrived; the peer’s reported loss of ours counts too', () => {
    const first = sampleFromStats(report({ packetsReceived: 100, packetsLost: 0 }), {}, 1000, undefined)
    const second = sampleFromStats(report({ packetsReceived: 100, packetsLost: 0, remoteFractionLost: 0.06 }), {}, 4000, first.counters)
    expect(second.sample.msSinceLastPacket).toBe(3000)
    expect(second.sample.lossFraction).toBe(0.06)
    const third = sampleFromStats(report({ packetsReceived: 100, packetsLost: 0, pairPacketsReceived: 3 }), {}, 6000, second.counters)
    expect(third.sample.msSinceLastPacket).toBe(0)
  })

  it('uses video jitter only without audio', () => {
    const stats = [...report({ packetsReceived: 1, packetsLost: 0, videoJitter: 0.06 }).values()].filter((stat: RTCStats) => stat.id !== 'IA')
    expect(sampleFromStats(stats as never, {}, 0, undefined).sample.jitterMs).toBeCloseTo(60)
  })
})

describe('monitorConnectionQuality', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reports each participant’s quality every interval, only when it changes, until stopped', async () => {
    const toAda = new FakePeerConnection()
    const toBob = new FakePeerConnection()
    toAda.next = report({ packetsReceived: 100, packetsLost: 0 })
    toBob.next = report({ packetsReceived: 100, packetsLost: 0, rtt: 0.2 })
    const changes: ConnectionQualityChange[] = []
    const stop = monitorConnectionQuality({
      sources: () => [
        { participant: ada, local: false, peerConnection: toAda },
        { participant: bob, local: false, peerConnection: toBob },
      ],
      onChange: (change) => changes.push(change),
    })
    await vi.advanceTimersByTimeAsync(1999)
    expect(toAda.getStats).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(changes).toEqual([
      { participant: ada, local: false, quality: 'excellent' },
      { participant: bob, local: false, quality: 'good' },
    ])

    toAda.next = report({ packetsReceived: 200, packetsLost: 0 })
    toBob.next = report({ packetsReceived: 180, packetsLost: 20, rtt: 0.2 })
    await vi.advanceTimersByTimeAsync(2000)
    expect(changes.slice(2)).toEqual([{ participant: bob, local: false, quality: 'poor' }])

    // Ada's packets stop: lost once 5 s have passed without one.
    toBob.next = report({ packetsReceived: 280, packetsLost: 20 })
    await vi.advanceTimersByTimeAsync(4000)
    expect(changes.slice(3)).toEqual([{ participant: bob, local: false, quality: 'excellent' }])
    await vi.advanceTimersByTimeAsync(2000)
    expect(changes.slice(4)).toEqual([{ participant: ada, local: false, quality: 'lost' }])

    stop()
    toAda.next = report({ packetsReceived: 300, packetsLost: 0 })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(changes).toHaveLength(5)
    expect(toAda.getStats).toHaveBeenCalledTimes(5)
  })

  it('reports a failed or disconnected connection as lost without reading stats, and skips one still connecting', async () => {
    const peerConnection = new FakePeerConnection()
    peerConnection.connectionState = 'connecting'
    const onChange = vi.fn()
    const stop = monitorConnectionQuality({ sources: () => [{ participant: ada, local: false, peerConnection }], interval: 500, onChange })
    await vi.advanceTimersByTimeAsync(1000)
    expect(onChange).not.toHaveBeenCalled()
    peerConnection.connectionState = 'connected'
    await vi.advanceTimersByTimeAsync(500)
    expect(onChange).toHaveBeenLastCalledWith({ participant: ada, local: false, quality: 'excellent' })
    peerConnection.iceConnectionState = 'disconnected'
    peerConnection.getStats.mockClear()
    await vi.advanceTimersByTimeAsync(500)
    expect(onChange).toHaveBeenLastCalledWith({ participant: ada, local: false, quality: 'lost' })
    expect(peerConnection.getStats).not.toHaveBeenCalled()
    stop()
  })

  it('gives the local participant the best of its connections and a remote one the worst; forgets who left', async () => {
    const near = new FakePeerConnection()
    const far = new FakePeerConnection()
    far.next = report({ packetsReceived: 0, packetsLost: 0, rtt: 0.5 })
    let listed: ConnectionQualitySource[] = [
      { participant: ada, local: true, peerConnection: near },
      { participant: ada, local: true, peerConnection: far },
      { participant: bob, local: false, peerConnection: near },
      { participant: bob, local: false, peerConnection: far },
    ]
    const onChange = vi.fn()
    const stop = monitorConnectionQuality({ sources: () => listed, onChange })
    await vi.advanceTimersByTimeAsync(2000)
    expect(onChange.mock.calls).toEqual([[{ participant: ada, local: true, quality: 'excellent' }], [{ participant: bob, local: false, quality: 'poor' }]])
    listed = []
    await vi.advanceTimersByTimeAsync(2000)
    listed = [{ participant: bob, local: false, peerConnection: near }]
    await vi.advanceTimersByTimeAsync(2000)
    expect(onChange).toHaveBeenLastCalledWith({ participant: bob, local: false, quality: 'excellent' })
    stop()
  })

  it('reports nothing when stop() comes while getStats is pending; a failed getStats is skipped', async () => {
    const slow = new FakePeerConnection()
    let release: (report: RTCStatsReport) => void = () => undefined
    slow.getStats.mockImplementationOnce(() => new Promise((resolve) => (release = resolve)))
    const broken = new FakePeerConnection()
    broken.getStats.mockRejectedValue(new Error('closed'))
    const onChange = vi.fn()
    const stop = monitorConnectionQuality({
      sources: () => [
        { participant: ada, local: false, peerConnection: slow },
        { participant: bob, local: false, peerConnection: broken },
      ],
      onChange,
    })
    await vi.advanceTimersByTimeAsync(2000)
    stop()
    release(report({ packetsReceived: 1, packetsLost: 0 }))
    await vi.advanceTimersByTimeAsync(4000)
    expect(onChange).not.toHaveBeenCalled()
  })

  it('refuses unknown options by name and a non-positive interval', () => {
    const options = { sources: () => [], onChange: () => undefined }
    expect(() => monitorConnectionQuality({ ...options, intervalMs: 5 } as never)).toThrow(/unknown option "intervalMs"/)
    expect(() => monitorConnectionQuality({ ...options, interval: 0 })).toThrow(CallportError)
  })
})
