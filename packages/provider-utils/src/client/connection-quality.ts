import { startPolling, refuseUnknown } from './polling'
import { CallportError, type ConnectionQuality, type Participant } from '@callport/core'

/**
 * The thresholds of {@link classifyConnectionQuality}, over one sampling interval (2 s by default).
 * `lost`: the ICE or peer connection is `failed`/`disconnected`/`closed`, or no packet arrived for `lostAfterSilenceMs`;
 * `poor`: loss ≥ 5 % or RTT ≥ 400 ms or jitter ≥ 50 ms; `good`: loss ≥ 1 % or RTT ≥ 150 ms or jitter ≥ 20 ms;
 * else `excellent`.
 */
export const connectionQualityThresholds = {
  lostAfterSilenceMs: 5000,
  poor: { lossFraction: 0.05, roundTripTimeMs: 400, jitterMs: 50 },
  good: { lossFraction: 0.01, roundTripTimeMs: 150, jitterMs: 20 },
} as const

/** What one peer connection showed over one interval. Absent figures do not count against it. */
export interface ConnectionQualitySample {
  /** `RTCPeerConnection.connectionState`. */
  connectionState?: RTCPeerConnectionState
  /** `RTCPeerConnection.iceConnectionState`. */
  iceConnectionState?: RTCIceConnectionState
  /** Round-trip time in milliseconds. */
  roundTripTimeMs?: number
  /** Packets lost ÷ packets expected over the interval, 0 to 1. */
  lossFraction?: number
  /** Interarrival jitter in milliseconds. */
  jitterMs?: number
  /** Milliseconds since a packet last arrived on this connection. */
  msSinceLastPacket?: number
}

const lostStates = new Set<string>(['failed', 'disconnected', 'closed'])

/** Classifies one interval's sample with {@link connectionQualityThresholds}. Pure. */
export function classifyConnectionQuality(sample: ConnectionQualitySample): ConnectionQuality {
  const { poor, good, lostAfterSilenceMs } = connectionQualityThresholds
  if (lostStates.has(sample.connectionState ?? '') || lostStates.has(sample.iceConnectionState ?? '')) return 'lost'
  if ((sample.msSinceLastPacket ?? 0) >= lostAfterSilenceMs) return 'lost'
  const over = (limits: typeof poor | typeof good) =>
    (sample.lossFraction ?? 0) >= limits.lossFraction || (sample.roundTripTimeMs ?? 0) >= limits.roundTripTimeMs || (sample.jitterMs ?? 0) >= limits.jitterMs
  if (over(poor)) return 'poor'
  if (over(good)) return 'good'
  return 'excellent'
}

const rank: Record<ConnectionQuality, number> = { lost: 0, poor: 1, good: 2, excellent: 3 }

/** One participant's link to watch: the local participant's own connection or a remote participant's. */
export interface ConnectionQualitySource {
  participant: Participant
  /** The local participant: its quality is the best of its peer connections (one far peer's bad network is not yours). */
  local: boolean
  /** Where the stats come from; a remote participant given with several gets the worst of them. */
  peerConnection: Pick<RTCPeerConnection, 'getStats' | 'connectionState' | 'iceConnectionState'>
}

export interface ConnectionQualityChange {
  participant: Participant
  local: boolean
  quality: ConnectionQuality
}

export interface MonitorConnectionQualityOptions {
  /** Read on every poll: the links to sample now. A participant no longer listed is forgotten (no event). */
  sources: () => Iterable<ConnectionQualitySource>
  /** Sampling interval in milliseconds (default 2000). */
  interval?: number
  /** Called when a participant's quality differs from the one last reported for it (the first one included). */
  onChange: (change: ConnectionQualityChange) => void
}

const monitorOptionNames = ['sources', 'interval', 'onChange']

/** Cumulative counters of one peer connection at one poll (what the next poll's deltas start from). */
export interface ConnectionStatsCounters {
  at: number
  /** Packets received, RTP and otherwise (inbound-rtp and the selected candidate pair). */
  received: number
  /** inbound-rtp packetsLost, summed. */
  lost: number
  /** inbound-rtp packetsReceived, summed. */
  rtpReceived: number
  lastPacketAt: number
}

export type RtcStat = Record<string, unknown> & { type: string; id: string }

const numberOf = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)

/** Reads one getStats report into counters and interval figures; `previous` gives the deltas. */
export function sampleFromStats(
  report: Iterable<RtcStat> | { forEach(callback: (stat: RtcStat) => void): void },
  state: { connectionState?: RTCPeerConnectionState; iceConnectionState?: RTCIceConnectionState },
  now: number,
  previous: ConnectionStatsCounters | undefined,
): { sample: ConnectionQualitySample; counters: ConnectionStatsCounters } {
  const stats: RtcStat[] = []
  if ('forEach' in report) report.forEach((stat) => stats.push(stat))
  else for (const stat of report) stats.push(stat)

  let rtpReceived = 0
  let lost = 0
  let audioJitter: number | undefined
  let videoJitter: number | undefined
  let remoteJitter: number | undefined
  let remoteLoss: number | undefined
  let remoteRtt: number | undefined
  let pairReceived = 0
  let pairRtt: number | undefined
  const selectedPairs = new Set(stats.filter((s) => s.type === 'transport').map((s) => s.selectedCandidatePairId))
  for (const stat of stats) {
    if (stat.type === 'inbound-rtp') {
      rtpReceived += numberOf(stat.packetsReceived) ?? 0
      lost += Math.max(0, numberOf(stat.packetsLost) ?? 0)
      const jitter = numberOf(stat.jitter)
      if (jitter !== undefined) {
        if (stat.kind === 'audio') audioJitter = Math.max(audioJitter ?? 0, jitter)
        else videoJitter = Math.max(videoJitter ?? 0, jitter)
      }
    } else if (stat.type === 'remote-inbound-rtp') {
      const jitter = numberOf(stat.jitter)
      if (jitter !== undefined && stat.kind === 'audio') remoteJitter = Math.max(remoteJitter ?? 0, jitter)
      const fraction = numberOf(stat.fractionLost)
      if (fraction !== undefined) remoteLoss = Math.max(remoteLoss ?? 0, fraction)
      const rtt = numberOf(stat.roundTripTime)
      if (rtt !== undefined) remoteRtt = Math.max(remoteRtt ?? 0, rtt)
    } else if (stat.type === 'candidate-pair') {
      const selected = selectedPairs.size > 0 ? selectedPairs.has(stat.id) : stat.nominated === true && stat.state === 'succeeded'
      if (!selected) continue
      pairReceived += numberOf(stat.packetsReceived) ?? numberOf(stat.bytesReceived) ?? 0
      const rtt = numberOf(stat.currentRoundTripTime)
      if (rtt !== undefined) pairRtt = rtt
    }
  }
  const received = rtpReceived + pairReceived
  const lastPacketAt = previous === undefined || received > previous.received ? now : previous.lastPacketAt
  const counters: ConnectionStatsCounters = { at: now, received, lost, rtpReceived, lastPacketAt }

  let inboundLoss: number | undefined
  if (previous !== undefined) {
    const lostDelta = Math.max(0, lost - previous.lost)
    const receivedDelta = Math.max(0, rtpReceived - previous.rtpReceived)
    if (lostDelta + receivedDelta > 0) inboundLoss = lostDelta / (lostDelta + receivedDelta)
  }
  const loss = maxOf(inboundLoss, remoteLoss)
  // Video's jitter counts frames spread over several packets; audio's is the link's when there is audio.
  const jitter = maxOf(audioJitter ?? videoJitter, remoteJitter)
  const rtt = pairRtt ?? remoteRtt
  const sample: ConnectionQualitySample = {
    msSinceLastPacket: now - lastPacketAt,
    ...(state.connectionState !== undefined && { connectionState: state.connectionState }),
    ...(state.iceConnectionState !== undefined && { iceConnectionState: state.iceConnectionState }),
    ...(rtt !== undefined && { roundTripTimeMs: rtt * 1000 }),
    ...(loss !== undefined && { lossFraction: loss }),
    ...(jitter !== undefined && { jitterMs: jitter * 1000 }),
  }
  return { sample, counters }
}

function maxOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return Math.max(a, b)
}

const waitingStates = new Set<string>(['new', 'connecting', 'checking'])

/**
 * Polls `getStats` of every source's peer connection each `interval` and reports each participant's
 * {@link ConnectionQuality} when it changes. A connection still being set up (`new`/`connecting`) is not sampled.
 * Returns `stop`; no call of `onChange` follows it.
 */
export function monitorConnectionQuality(options: MonitorConnectionQualityOptions): () => void {
  refuseUnknown(options, monitorOptionNames, 'monitorConnectionQuality')
  const { sources, interval = 2000, onChange } = options
  if (!(interval > 0)) throw new CallportError('INVALID_INPUT', 'monitorConnectionQuality: interval must be a positive number of milliseconds')
  const counters = new WeakMap<object, ConnectionStatsCounters>()
  const reported = new Map<string, ConnectionQuality>()

  async function poll(running: () => boolean): Promise<void> {
    const entries = [...sources()]
    const now = Date.now()
    const qualities = await Promise.all(
      entries.map(async ({ peerConnection }): Promise<ConnectionQuality | undefined> => {
        const { connectionState, iceConnectionState } = peerConnection
        if (waitingStates.has(connectionState) || waitingStates.has(iceConnectionState)) return undefined
        if (lostStates.has(connectionState) || lostStates.has(iceConnectionState)) return 'lost'
        let report: RTCStatsReport
        try {
          report = await peerConnection.getStats()
        } catch {
          return undefined
        }
        const { sample, counters: next } = sampleFromStats(report, { connectionState, iceConnectionState }, now, counters.get(peerConnection))
        counters.set(peerConnection, next)
        return classifyConnectionQuality(sample)
      }),
    )
    if (!running()) return
    const current = new Map<string, ConnectionQualityChange>()
    entries.forEach(({ participant, local }, index) => {
      const quality = qualities[index]
      if (quality === undefined) return
      const key = `${local ? 'local' : 'remote'}:${participant.identity}`
      const known = current.get(key)
      const keep = known !== undefined && (local ? rank[known.quality] >= rank[quality] : rank[known.quality] <= rank[quality])
      if (!keep) current.set(key, { participant, local, quality })
    })
    const listed = new Set(entries.map(({ participant, local }) => `${local ? 'local' : 'remote'}:${participant.identity}`))
    for (const key of reported.keys()) if (!listed.has(key)) reported.delete(key)
    for (const [key, change] of current) {
      if (reported.get(key) === change.quality) continue
      reported.set(key, change.quality)
      onChange(change)
    }
  }

  return startPolling(poll, interval)
}
