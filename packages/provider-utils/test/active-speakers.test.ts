import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CallportError, type ActiveSpeaker, type Participant } from '@callport/core'
import { audioLevelMeter, mediaSourceAudioLevel, monitorActiveSpeakers, type ActiveSpeakerSource } from '../src/client/index'

const ada: Participant = { identity: 'ada', role: 'publisher' }
const bob: Participant = { identity: 'bob', role: 'publisher' }
const me: Participant = { identity: 'me', role: 'publisher' }

/** A remote audio receiver whose RTP timestamp moves while the sender sends. */
type Receiver = NonNullable<ActiveSpeakerSource['receiver']>

class FakeReceiver implements Receiver {
  level = 0
  sending = true
  private rtpTimestamp = 0
  getSynchronizationSources(): RTCRtpSynchronizationSource[] {
    if (this.sending) this.rtpTimestamp += 960
    return [{ source: 1234, rtpTimestamp: this.rtpTimestamp, timestamp: Date.now(), audioLevel: this.level }]
  }
}

const names = (speakers: ActiveSpeaker[]) => speakers.map((speaker) => speaker.participant.identity)

describe('monitorActiveSpeakers', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('orders speakers loudest first with levels, emits only when the ordered list changes, holds a speaker through pauses', async () => {
    const toAda = new FakeReceiver()
    const toBob = new FakeReceiver()
    let micLevel = 0
    const emitted: ActiveSpeaker[][] = []
    const stop = monitorActiveSpeakers({
      sources: () => [
        { participant: ada, receiver: toAda },
        { participant: bob, receiver: toBob },
        { participant: me, levelOf: async () => micLevel },
      ],
      onChange: (speakers) => emitted.push(speakers),
    })
    await vi.advanceTimersByTimeAsync(900)
    expect(emitted).toEqual([])

    toAda.level = 0.3
    await vi.advanceTimersByTimeAsync(300)
    expect(emitted).toEqual([[{ participant: ada, level: 0.3 }]])

    // Ada's level moves while she speaks, Bob starts softer: one event, levels ride along.
    toAda.level = 0.4
    toBob.level = 0.1
    await vi.advanceTimersByTimeAsync(300)
    toAda.level = 0.35
    await vi.advanceTimersByTimeAsync(300)
    expect(emitted.map(names)).toEqual([['ada'], ['ada', 'bob']])
    expect(emitted[1]).toEqual([
      { participant: ada, level: 0.4 },
      { participant: bob, level: 0.1 },
    ])

    // A pause between Ada's words (under 1 s) does not drop her.
    toAda.level = 0.01
    await vi.advanceTimersByTimeAsync(600)
    expect(emitted).toHaveLength(2)
    toAda.level = 0.3
    await vi.advanceTimersByTimeAsync(300)
    expect(emitted).toHaveLength(2)

    // Bob and the local microphone get loud; Ada stops.
    toBob.level = 0.9
    micLevel = 0.6
    toAda.level = 0
    await vi.advanceTimersByTimeAsync(300)
    expect(emitted.map(names).at(-1)).toEqual(['bob', 'me', 'ada'])
    await vi.advanceTimersByTimeAsync(1200)
    expect(emitted.map(names).at(-1)).toEqual(['bob', 'me'])

    toBob.level = 0
    micLevel = 0
    await vi.advanceTimersByTimeAsync(1200)
    expect(emitted.at(-1)).toEqual([])
    const count = emitted.length

    stop()
    toAda.level = 1
    await vi.advanceTimersByTimeAsync(3000)
    expect(emitted).toHaveLength(count)
  })

  it('ignores a stale level: a stopped sender keeps its last audioLevel in getSynchronizationSources', async () => {
    const receiver = new FakeReceiver()
    receiver.level = 0.5
    const onChange = vi.fn()
    const stop = monitorActiveSpeakers({ sources: () => [{ participant: ada, receiver }], interval: 200, hold: 600, onChange })
    await vi.advanceTimersByTimeAsync(200)
    expect(onChange).toHaveBeenLastCalledWith([{ participant: ada, level: 0.5 }])
    receiver.sending = false
    await vi.advanceTimersByTimeAsync(800)
    expect(onChange).toHaveBeenLastCalledWith([])
    stop()
  })

  it('uses the threshold given, forgets a participant no longer listed, and survives a failing level', async () => {
    const receiver = new FakeReceiver()
    receiver.level = 0.1
    let listed: ActiveSpeakerSource[] = [
      { participant: ada, receiver },
      {
        participant: bob,
        levelOf: () => {
          throw new Error('closed')
        },
      },
    ]
    const onChange = vi.fn()
    const stop = monitorActiveSpeakers({ sources: () => listed, threshold: 0.2, onChange })
    await vi.advanceTimersByTimeAsync(900)
    expect(onChange).not.toHaveBeenCalled()
    receiver.level = 0.25
    await vi.advanceTimersByTimeAsync(300)
    expect(onChange).toHaveBeenLastCalledWith([{ participant: ada, level: 0.25 }])
    listed = []
    await vi.advanceTimersByTimeAsync(300)
    expect(onChange).toHaveBeenLastCalledWith([])
    stop()
  })

  it('refuses unknown options by name and out-of-range figures', () => {
    const options = { sources: () => [], onChange: () => undefined }
    expect(() => monitorActiveSpeakers({ ...options, holdMs: 5 } as never)).toThrow(/unknown option "holdMs"/)
    expect(() => monitorActiveSpeakers({ ...options, threshold: 2 })).toThrow(CallportError)
    expect(() => monitorActiveSpeakers({ ...options, hold: -1 })).toThrow(/hold/)
  })
})

/** An audio receiver's inbound-rtp stats: energy and duration totals that grow as audio plays. */
function inboundAudio(totalAudioEnergy: number, totalSamplesDuration: number, audioLevel = 0): RTCStatsReport {
  const stat = {
    id: 'IA',
    type: 'inbound-rtp',
    timestamp: 0,
    kind: 'audio',
    ssrc: 1,
    trackIdentifier: 't',
    bytesReceived: 0,
    audioLevel,
    totalAudioEnergy,
    totalSamplesDuration,
  } satisfies RTCInboundRtpStreamStats
  return new Map([[stat.id, stat]])
}

describe('audioLevelMeter', () => {
  it('gives the RMS level since the previous read from the energy totals, the instantaneous level first', async () => {
    const reports = [inboundAudio(0, 10, 0.02), inboundAudio(0.3 * 0.3 * 0.1, 10.3), inboundAudio(0.3 * 0.3 * 0.1, 10.3)]
    const meter = audioLevelMeter({ getStats: async () => reports.shift()! })
    await expect(meter()).resolves.toBe(0.02)
    // 0.1 s at level 0.3 within 0.3 s: √(0.009 ÷ 0.3)
    expect(await meter()).toBeCloseTo(Math.sqrt(0.009 / 0.3))
    await expect(meter()).resolves.toBe(0)
  })

  it('lets monitorActiveSpeakers hear a word that falls between two synchronization-source reads', async () => {
    vi.useFakeTimers()
    let energy = 0
    let duration = 0
    const receiver = Object.assign(new FakeReceiver(), {
      getStats: vi.fn(async () => inboundAudio(energy, duration)),
    })
    const onChange = vi.fn()
    const stop = monitorActiveSpeakers({ sources: () => [{ participant: ada, receiver }], onChange })
    await vi.advanceTimersByTimeAsync(300)
    duration += 0.3
    energy += 0.2 * 0.2 * 0.1
    await vi.advanceTimersByTimeAsync(300)
    expect(onChange).toHaveBeenCalledTimes(1)
    expect(onChange.mock.calls[0]![0]).toEqual([{ participant: ada, level: expect.closeTo(Math.sqrt(0.004 / 0.3)) as number }])
    stop()
    vi.useRealTimers()
  })
})

describe('mediaSourceAudioLevel', () => {
  it('reads the audio media-source level of a sender’s stats: instantaneous first, then the RMS since the last call; 0 without one', async () => {
    const source = (audioLevel: number, totalAudioEnergy: number, totalSamplesDuration: number) => {
      const stat: RTCStats & Record<string, unknown> = { id: 'M', type: 'media-source', timestamp: 0, kind: 'audio', trackIdentifier: 't' }
      return Object.assign(stat, { audioLevel, totalAudioEnergy, totalSamplesDuration })
    }
    const reports = [source(0.42, 1, 10), source(0.01, 1 + 0.5 * 0.5 * 0.3, 10.3)]
    const sender = { getStats: async () => new Map([['M', reports.shift()!]]) as RTCStatsReport }
    await expect(mediaSourceAudioLevel(sender)).resolves.toBe(0.42)
    expect(await mediaSourceAudioLevel(sender)).toBeCloseTo(0.5)
    await expect(mediaSourceAudioLevel({ getStats: async () => new Map() as RTCStatsReport })).resolves.toBe(0)
  })
})
