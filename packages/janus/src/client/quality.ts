import type { Participant } from '@callport/core'
import { monitorConnectionQuality, type ConnectionQualitySource, type MonitorConnectionQualityOptions } from '@callport/provider-utils/client'
import type { Subscription } from './subscription'

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

/** The peer connections of a call whose quality {@link monitorCallQuality} follows. */
export interface CallQualitySources {
  local: Participant
  /** The camera publisher handle's peer connection (none for a subscriber-only page). */
  publisher(): RTCPeerConnection | undefined
  /** The subscriber side: its peer connection carries every remote participant's streams. */
  subscription: Pick<Subscription, 'peerConnection' | 'participants' | 'tracksOf'>
  onChange: MonitorConnectionQualityOptions['onChange']
}

/**
 * Connection quality of a Janus call (provider-utils `monitorConnectionQuality`): the local
 * participant's from the publisher and subscriber peer connections, each remote participant's from
 * its share of the subscriber connection ({@link filteredPeerConnection}). Returns the stop function.
 */
export function monitorCallQuality(options: CallQualitySources): () => void {
  const { local, subscription } = options
  const views = new Map<string, ReturnType<typeof filteredPeerConnection>>()
  // The remote participants' views of the subscriber connection share one getStats per poll.
  let shared = { at: 0 } as Parameters<typeof filteredPeerConnection>[1]
  let sharedFor: RTCPeerConnection | undefined
  return monitorConnectionQuality({
    sources: () => {
      const sources: ConnectionQualitySource[] = []
      const mine = [options.publisher(), subscription.peerConnection].filter((pc): pc is RTCPeerConnection => pc !== undefined)
      for (const peerConnection of mine) sources.push({ participant: local, local: true, peerConnection })
      const pc = subscription.peerConnection
      if (pc) {
        for (const participant of subscription.participants()) {
          let view = views.get(participant.identity)
          if (sharedFor !== pc) {
            sharedFor = pc
            shared = { at: 0 }
          }
          if (!view || view.target !== pc) views.set(participant.identity, (view = filteredPeerConnection(pc, shared)))
          view.tracks = new Set(subscription.tracksOf(participant.identity))
          sources.push({ participant, local: false, peerConnection: view })
        }
      }
      return sources
    },
    onChange: options.onChange,
  })
}
