import { startPolling, refuseUnknown } from './polling'
import { CallportError, type ActiveSpeaker, type Participant } from '@callport/core'

/**
 * Defaults of {@link monitorActiveSpeakers}: a participant speaks while its audio level (0–1, as
 * `RTCRtpSynchronizationSource.audioLevel`) reached `threshold` within the last `hold` milliseconds; levels are read
 * every `interval` milliseconds.
 */
export const activeSpeakerDefaults = { threshold: 0.05, hold: 1000, interval: 300 } as const

/** One participant's audio: a remote participant's receiver, or a level function (e.g. the local microphone's). */
export interface ActiveSpeakerSource {
  participant: Participant
  /**
   * A remote audio receiver: the louder of its newest synchronization source level and, when it has
   * `getStats`, its {@link audioLevelMeter} level over the interval (Chromium reports both only while the
   * remote audio plays, e.g. attached to an element).
   */
  receiver?: Pick<RTCRtpReceiver, 'getSynchronizationSources'> & Partial<Pick<RTCRtpReceiver, 'getStats'>>
  /** A level from 0 to 1 now, e.g. {@link audioLevelMeter} of the local microphone's sender. */
  levelOf?: () => number | Promise<number>
}

export interface MonitorActiveSpeakersOptions {
  /** Read on every poll. A participant may be listed with several sources; its loudest counts. */
  sources: () => Iterable<ActiveSpeakerSource>
  /** Milliseconds between reads (default 300). */
  interval?: number
  /** Level from which a participant speaks (default 0.05). */
  threshold?: number
  /** Milliseconds a speaker stays one after its level last reached the threshold (default 1000), so pauses between words do not drop it. */
  hold?: number
  /** Who speaks, loudest first (by the highest level within `hold`); called only when that ordered list of identities changes. */
  onChange: (speakers: ActiveSpeaker[]) => void
}

const optionNames = ['sources', 'interval', 'threshold', 'hold', 'onChange']

interface AudioTotals {
  energy: number
  duration: number
}

/**
 * A level function for an audio sender (its `media-source` stats) or receiver (its `inbound-rtp` stats): the
 * RMS level since the previous call, √(Δ`totalAudioEnergy` ÷ Δ`totalSamplesDuration`), so a word spoken
 * between two reads counts; the instantaneous `audioLevel` on the first call or where the totals are missing.
 */
export function audioLevelMeter(target: Pick<RTCRtpSender | RTCRtpReceiver, 'getStats'>): () => Promise<number> {
  let previous: AudioTotals | undefined
  return async () => {
    let level = 0
    let totals: AudioTotals | undefined
    const report = await target.getStats()
    report.forEach((stat: { type?: string; kind?: string; audioLevel?: unknown; totalAudioEnergy?: unknown; totalSamplesDuration?: unknown }) => {
      if ((stat.type !== 'media-source' && stat.type !== 'inbound-rtp') || stat.kind !== 'audio') return
      if (typeof stat.audioLevel === 'number') level = Math.max(level, stat.audioLevel)
      if (typeof stat.totalAudioEnergy === 'number' && typeof stat.totalSamplesDuration === 'number')
        totals = { energy: (totals?.energy ?? 0) + stat.totalAudioEnergy, duration: (totals?.duration ?? 0) + stat.totalSamplesDuration }
    })
    const last = previous
    previous = totals
    if (totals === undefined || last === undefined) return level
    const duration = totals.duration - last.duration
    if (duration <= 0) return 0
    return Math.sqrt(Math.max(0, totals.energy - last.energy) / duration)
  }
}

const senderMeters = new WeakMap<object, () => Promise<number>>()

/**
 * Audio level (0–1) of the local microphone from its sender's `media-source` stats: the {@link audioLevelMeter}
 * level since the previous call for the same sender (its instantaneous `audioLevel` the first time); 0 when the
 * browser reports none.
 */
export async function mediaSourceAudioLevel(sender: Pick<RTCRtpSender, 'getStats'>): Promise<number> {
  let meter = senderMeters.get(sender)
  if (meter === undefined) senderMeters.set(sender, (meter = audioLevelMeter(sender)))
  return meter()
}

interface Heard {
  participant: Participant
  /** Level samples within `hold`, newest last. */
  samples: { at: number; level: number }[]
  /** When the level last reached the threshold. */
  loudAt: number
}

/**
 * Reads each source's audio level every `interval` and reports the active speakers, loudest first, when the
 * ordered list of identities changes (levels ride along). A receiver's level counts only while its RTP timestamp
 * moves: a stopped remote microphone keeps its last `audioLevel` in `getSynchronizationSources()` for 10 s.
 * Returns `stop`; no call of `onChange` follows it.
 */
export function monitorActiveSpeakers(options: MonitorActiveSpeakersOptions): () => void {
  refuseUnknown(options, optionNames, 'monitorActiveSpeakers')
  const { sources, interval = activeSpeakerDefaults.interval, threshold = activeSpeakerDefaults.threshold, hold = activeSpeakerDefaults.hold, onChange } = options
  for (const [name, value] of Object.entries({ interval, hold }))
    if (!(value > 0)) throw new CallportError('INVALID_INPUT', `monitorActiveSpeakers: ${name} must be a positive number of milliseconds`)
  if (!(threshold >= 0 && threshold <= 1)) throw new CallportError('INVALID_INPUT', 'monitorActiveSpeakers: threshold must be between 0 and 1')

  const lastRtpTimestamp = new WeakMap<object, Map<number, number>>()
  const meters = new WeakMap<object, () => Promise<number>>()
  const heard = new Map<string, Heard>()
  let reported: string[] = []

  function receiverLevel(receiver: Pick<RTCRtpReceiver, 'getSynchronizationSources'>): number {
    const previous = lastRtpTimestamp.get(receiver)
    const next = new Map<number, number>()
    let level = 0
    for (const source of receiver.getSynchronizationSources()) {
      next.set(source.source, source.rtpTimestamp)
      if (previous?.get(source.source) === source.rtpTimestamp) continue
      level = Math.max(level, source.audioLevel ?? 0)
    }
    lastRtpTimestamp.set(receiver, next)
    return level
  }

  async function poll(running: () => boolean): Promise<void> {
    const entries = [...sources()]
    const levels = await Promise.all(
      entries.map(async ({ receiver, levelOf }) => {
        let level = 0
        try {
          if (receiver !== undefined) level = Math.max(level, receiverLevel(receiver))
          if (receiver?.getStats !== undefined) {
            let meter = meters.get(receiver)
            if (meter === undefined) meters.set(receiver, (meter = audioLevelMeter({ getStats: receiver.getStats.bind(receiver) })))
            level = Math.max(level, await meter())
          }
          if (levelOf !== undefined) level = Math.max(level, await levelOf())
        } catch {
          // A closed receiver or a failed stats read is silence for this interval.
        }
        return Number.isFinite(level) ? Math.min(1, Math.max(0, level)) : 0
      }),
    )
    if (!running()) return
    const now = Date.now()
    const listed = new Set<string>()
    entries.forEach(({ participant }, index) => {
      const level = levels[index] ?? 0
      const key = participant.identity
      let entry = heard.get(key)
      if (!listed.has(key)) {
        listed.add(key)
        if (entry === undefined) heard.set(key, (entry = { participant, samples: [], loudAt: -Infinity }))
        entry.participant = participant
        entry.samples.push({ at: now, level })
      } else if (entry !== undefined) {
        const last = entry.samples[entry.samples.length - 1]
        if (last !== undefined) last.level = Math.max(last.level, level)
      }
      if (entry !== undefined && level >= threshold) entry.loudAt = now
    })
    for (const key of heard.keys()) if (!listed.has(key)) heard.delete(key)

    const speakers: ActiveSpeaker[] = []
    for (const entry of heard.values()) {
      entry.samples = entry.samples.filter((sample) => now - sample.at < hold)
      if (now - entry.loudAt >= hold) continue
      speakers.push({ participant: entry.participant, level: Math.max(...entry.samples.map((sample) => sample.level)) })
    }
    const before = new Map(reported.map((identity, position) => [identity, position]))
    speakers.sort(
      (a, b) =>
        b.level - a.level ||
        (before.get(a.participant.identity) ?? Infinity) - (before.get(b.participant.identity) ?? Infinity) ||
        (a.participant.identity < b.participant.identity ? -1 : 1),
    )
    const identities = speakers.map((speaker) => speaker.participant.identity)
    if (identities.length === reported.length && identities.every((identity, position) => identity === reported[position])) return
    reported = identities
    onChange(speakers)
  }

  return startPolling(poll, interval)
}
