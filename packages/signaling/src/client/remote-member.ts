import type { Participant, TrackEvent, TrackKind } from '@callport/core'
import type { Member, MemberProps } from '../shared/protocol'
import type { PeerLink } from './peer-link'
import { RemoteTrack } from './remote-track'

export type TrackEventName = 'track-subscribed' | 'track-unsubscribed'

/** The Participant a room member stands for. */
export function participantOfMember(member: Member): Participant {
  const { display_name: name, metadata } = member.join_props
  return {
    identity: member.name,
    role: member.role,
    providerParticipantId: member.id,
    ...(name === undefined ? {} : { name }),
    ...(metadata === undefined ? {} : { metadata }),
  }
}

const kinds: readonly TrackKind[] = ['audio', 'video']

/**
 * One remote member: what the server says about it, the peer connection to it, and its tracks.
 * A received track is subscribed while the member announces that kind as enabled (`props.audio`,
 * `props.video`), so muting a microphone or stopping a camera unsubscribes it on the other side.
 */
export class RemoteMember {
  member: Member
  participant: Participant
  link: PeerLink | undefined
  /** Set while the member's socket is gone but its peer connection still works. */
  suspension: ReturnType<typeof setTimeout> | undefined
  readonly #received = new Map<TrackKind, MediaStreamTrack>()
  readonly #subscribed = new Map<TrackKind, RemoteTrack>()
  readonly #emitTrack: (name: TrackEventName, event: TrackEvent) => void

  constructor(member: Member, emitTrack: (name: TrackEventName, event: TrackEvent) => void) {
    this.member = member
    this.participant = participantOfMember(member)
    this.#emitTrack = emitTrack
  }

  get id(): string {
    return this.member.id
  }

  /** Subscribed tracks. */
  tracks(): RemoteTrack[] {
    return [...this.#subscribed.values()]
  }

  /** Takes a newer description of the member (after a re-join, possibly under a new id). */
  update(member: Member, raw: unknown): void {
    this.member = member
    this.participant = participantOfMember(member)
    this.#reconcile(raw)
  }

  setProps(props: MemberProps, raw: unknown): void {
    this.update({ ...this.member, join_props: { ...this.member.join_props, ...props } }, raw)
  }

  setReceived(kind: TrackKind, track: MediaStreamTrack | undefined, raw: unknown): void {
    if (track) this.#received.set(kind, track)
    else this.#received.delete(kind)
    this.#reconcile(raw)
  }

  /** Closes the peer connection and unsubscribes every track. */
  close(raw: unknown): void {
    if (this.suspension !== undefined) clearTimeout(this.suspension)
    this.suspension = undefined
    this.link?.close()
    this.link = undefined
    this.#received.clear()
    this.#reconcile(raw)
  }

  #reconcile(raw: unknown): void {
    for (const kind of kinds) {
      const received = this.#received.get(kind)
      const wanted = received !== undefined && this.member.join_props[kind] !== false ? received : undefined
      const current = this.#subscribed.get(kind)
      if (current && current.mediaStreamTrack !== wanted) {
        this.#subscribed.delete(kind)
        // Emit first: the listener's `track.detach()` returns the elements the app attached (and removes them).
        this.#emitTrack('track-unsubscribed', { participant: this.participant, track: current, raw })
        current.detach()
      }
      if (wanted && !this.#subscribed.has(kind)) {
        const track = new RemoteTrack(wanted)
        this.#subscribed.set(kind, track)
        this.#emitTrack('track-subscribed', { participant: this.participant, track, raw })
      }
    }
  }
}
