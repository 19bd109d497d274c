import type { ActiveSpeaker, ConnectionEvents, EventEmitter, Participant } from '@callport/core'
import { monitorActiveSpeakers, type ActiveSpeakerSource } from '@callport/provider-utils/client'
import type { JanusJsMessage } from './janus-js-types'

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
 * Who speaks in the room, as `active-speakers-changed` (loudest first, emitted only when the order of
 * identities changes). A publisher page reads VideoRoom's `talking` / `stopped-talking` events (rooms
 * made with `audiolevel_event`; Janus sends them to every publisher, the speaker included); a
 * subscriber-only page, which is not a VideoRoom participant, measures the audio it receives instead.
 */
export class ActiveSpeakers {
  readonly #events: Pick<EventEmitter<ConnectionEvents>, 'emit'>
  /** Who talks (VideoRoom `talking`), by identity: level 0–1. */
  readonly #talking = new Map<string, ActiveSpeaker>()
  #reported = ''
  #stopMeasuring: (() => void) | undefined

  constructor(events: Pick<EventEmitter<ConnectionEvents>, 'emit'>) {
    this.#events = events
  }

  /** VideoRoom's `talking` / `stopped-talking` of `participant`. */
  onTalking(participant: Participant, message: JanusJsMessage): void {
    if (message.videoroom === 'talking') this.#talking.set(participant.identity, { participant, level: speakerLevelOfDbov(message['audio-level-dBov-avg']) })
    else this.#talking.delete(participant.identity)
    this.#report([...this.#talking.values()], message)
  }

  /** `identity` left the room: it talks no more. */
  left(identity: string): void {
    if (this.#talking.delete(identity)) this.#report([...this.#talking.values()])
  }

  /** Measures who speaks in the audio this page receives (`receivers`: the microphones' receivers), until {@link stop}. */
  measure(receivers: () => ActiveSpeakerSource[]): void {
    this.#stopMeasuring = monitorActiveSpeakers({ sources: receivers, onChange: (speakers) => this.#report(speakers) })
  }

  /** Stops measuring. */
  stop(): void {
    this.#stopMeasuring?.()
  }

  #report(speakers: ActiveSpeaker[], raw?: unknown): void {
    const sorted = [...speakers].sort((a, b) => b.level - a.level || (a.participant.identity < b.participant.identity ? -1 : 1))
    const key = JSON.stringify(sorted.map((speaker) => speaker.participant.identity))
    if (key === this.#reported) return
    this.#reported = key
    this.#events.emit('active-speakers-changed', { speakers: sorted, ...(raw === undefined ? {} : { raw }) })
  }
}
