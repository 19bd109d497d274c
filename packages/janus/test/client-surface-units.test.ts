import { describe, expect, it, vi } from 'vitest'
import { sessionError } from '../src/client/janus-connection'
import { streamsOfDisplay } from '../src/client/published-streams'
import { speakerLevelOfDbov } from '../src/client/active-speakers'
import { filteredPeerConnection } from '../src/client/quality'

describe('the Janus client call surface, unit by unit', () => {
  it("maps VideoRoom's audio-level-dBov-avg linearly: 0 dBov (loudest) is 1, 127 (silence) is 0, the default talking threshold 25 is 0.80", () => {
    expect(speakerLevelOfDbov(0)).toBe(1)
    expect(speakerLevelOfDbov(127)).toBe(0)
    expect(speakerLevelOfDbov(25)).toBeCloseTo(0.803, 3)
    expect(speakerLevelOfDbov(-3)).toBe(1)
    expect(speakerLevelOfDbov(200)).toBe(0)
    // Janus said the participant talks, without a readable level.
    expect(speakerLevelOfDbov(undefined)).toBe(1)
    expect(speakerLevelOfDbov(Number.NaN)).toBe(1)
  })

  it("a remote participant's view of the subscriber connection keeps the connection-wide stats and only their inbound streams (by mid or track id)", async () => {
    const stats = [
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
      { id: 'P', type: 'candidate-pair', packetsReceived: 10 },
      { id: 'A', type: 'inbound-rtp', mid: '0', packetsLost: 1 },
      { id: 'B', type: 'inbound-rtp', mid: '1', packetsLost: 50 },
      { id: 'C', type: 'inbound-rtp', trackIdentifier: 'janus2', packetsLost: 0 },
    ]
    const pc = {
      connectionState: 'connected',
      iceConnectionState: 'completed',
      getStats: () => Promise.resolve({ forEach: (callback: (stat: unknown) => void) => stats.forEach(callback) }),
    } as unknown as RTCPeerConnection
    const view = filteredPeerConnection(pc)
    view.tracks = new Set(['0', 'janus2'])
    const kept: Array<{ id: string }> = []
    ;(await view.getStats()).forEach((stat: { id: string }) => kept.push(stat))
    expect(kept.map((stat) => stat.id)).toEqual(['T', 'P', 'A', 'C'])
    expect([view.connectionState, view.iceConnectionState]).toEqual(['connected', 'completed'])
  })

  it('views of one connection share one getStats call per poll', async () => {
    const getStats = vi.fn(() => Promise.resolve({ forEach: () => undefined }))
    const pc = { connectionState: 'connected', iceConnectionState: 'connected', getStats } as unknown as RTCPeerConnection
    const shared = { at: 0 }
    const [first, second] = [filteredPeerConnection(pc, shared), filteredPeerConnection(pc, shared)]
    await Promise.all([first.getStats(), second.getStats()])
    expect(getStats).toHaveBeenCalledTimes(1)
    shared.at -= 1_000
    await first.getStats()
    expect(getStats).toHaveBeenCalledTimes(2)
  })

  it('reads the streams a Callport page lists in its VideoRoom display (what a subscriber-only page learns), ignoring anything else', () => {
    const display = JSON.stringify({
      identity: 'bob',
      streams: [{ mid: '0', type: 'audio', muted: false }, { mid: '1', type: 'video', muted: true }, { mid: '2', type: 'data' }, { type: 'video' }],
    })
    expect(streamsOfDisplay(display)).toEqual([
      { mid: '0', type: 'audio', muted: false },
      { mid: '1', type: 'video', muted: true },
    ])
    expect(streamsOfDisplay(JSON.stringify({ identity: 'bob' }))).toBeUndefined()
    expect(streamsOfDisplay('not json')).toBeUndefined()
    expect(streamsOfDisplay(undefined)).toBeUndefined()
  })

  it("Janus's refusal of the core token is UNAUTHORIZED, or TOKEN_EXPIRED once its expiry is past, not retryable; an unreachable Janus is a retryable CONNECTION_FAILED", () => {
    const reason = 'Unauthorized request (wrong or missing secret/token)'
    const future = `${Math.floor(Date.now() / 1000) + 600},janus,janus.plugin.videoroom:c2lnbmF0dXJl`
    const past = `${Math.floor(Date.now() / 1000) - 10},janus,janus.plugin.videoroom:c2lnbmF0dXJl`
    expect(sessionError(reason, future)).toMatchObject({ code: 'UNAUTHORIZED', retryable: false, provider: 'janus' })
    expect(sessionError(reason, past)).toMatchObject({ code: 'TOKEN_EXPIRED', retryable: false })
    expect(sessionError('Lost connection to the server (is it down?)', future)).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
  })
})
