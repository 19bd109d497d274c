/**
 * A speaker's level (0 to 1) from VideoRoom's `audio-level-dBov-avg` (the average audio level of the
 * packets Janus looked at, RFC 6464: 0 dBov is the loudest, 127 silence): linear, `(127 - dBov) / 127`,
 * so VideoRoom's default talking threshold (25 dBov) is 0.80. A missing or unreadable value is 1 (Janus
 * said the participant talks).
 */
export function speakerLevelOfDbov(dBov: unknown): number {
  if (typeof dBov !== 'number' || !Number.isFinite(dBov)) return 1
  return Math.min(1, Math.max(0, (127 - dBov) / 127))
}

/**
 * One remote participant's share of the subscriber peer connection (which carries every publisher):
 * `getStats` keeps the connection-wide entries (transport, candidate pairs) and only the `inbound-rtp`
 * entries of that participant's streams (by `mid`, or by `trackIdentifier` where the browser reports no
 * mid), so its loss and jitter are its own. Views of one connection share one `getStats` call per
 * poll (a report younger than `maxAgeMs` is reused).
 */
export function filteredPeerConnection(
  target: RTCPeerConnection,
  shared: { at: number; report?: Promise<RTCStatsReport> } = { at: 0 },
  maxAgeMs = 500,
): {
  readonly target: RTCPeerConnection
  tracks: Set<string>
  readonly connectionState: RTCPeerConnectionState
  readonly iceConnectionState: RTCIceConnectionState
  getStats(): Promise<RTCStatsReport>
} {
  return {
    target,
    tracks: new Set(),
    get connectionState() {
      return target.connectionState
    },
    get iceConnectionState() {
      return target.iceConnectionState
    },
    async getStats() {
      const now = Date.now()
      if (!shared.report || now - shared.at > maxAgeMs) {
        shared.at = now
        shared.report = target.getStats()
      }
      const report = await shared.report
      const kept: unknown[] = []
      report.forEach((stat: { type?: string; mid?: string; trackIdentifier?: string }) => {
        if (stat.type === 'inbound-rtp' && !this.tracks.has(stat.mid ?? '') && !this.tracks.has(stat.trackIdentifier ?? '')) return
        kept.push(stat)
      })
      // sampleFromStats reads anything with forEach.
      return kept as unknown as RTCStatsReport
    },
  }
}
