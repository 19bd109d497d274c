import type { ConnectionEvents, EventEmitter, Participant } from '@callport/core'
import type { Member, MemberProps } from '../shared/protocol'
import type { LocalSource } from './local-media'
import type { PeerLink } from './peer-link'
import { RemoteTrack } from './remote-track'

/** Where a member's participant and track events go. */
export type MemberEvents = Pick<EventEmitter<ConnectionEvents>, 'emit'>

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

/**
 * The source of a track the member sends in stream `streamId`: `screen` / `screen-audio` in the
 * stream its `screen` prop names, `camera` / `microphone` in its `stream` (or in any stream, for a
 * member that names none: an older client); undefined for a track of neither (a share that ended).
 */
function sourceOf(props: MemberProps, track: MediaStreamTrack, streamId: string | undefined): LocalSource | undefined {
  const audio = track.kind === 'audio'
  if (props.screen && streamId === props.screen) return audio ? 'screen-audio' : 'screen'
  if (props.stream === undefined || streamId === props.stream) return audio ? 'microphone' : 'camera'
  return undefined
}

/**
 * One remote member: what the server says about it, the peer connection to it, and its tracks.
 * A received track is subscribed while it is received (the peer connection delivers it) and its
 * source is known: the member's props say which stream holds the camera and microphone (`stream`)
 * and which the screen share (`screen`, empty when not sharing). A camera or microphone the member
 * turned off (`props.video` / `props.audio` false) stays subscribed and is muted.
 */
export class RemoteMember {
  member: Member
  participant: Participant
  link: PeerLink | undefined
  /** Set while the member's socket is gone but its peer connection still works. */
  suspension: ReturnType<typeof setTimeout> | undefined
  /** Received tracks → the stream the peer sent each in. */
  readonly #received = new Map<MediaStreamTrack, string | undefined>()
  readonly #subscribed = new Map<LocalSource, RemoteTrack>()
  readonly #muted = new Set<RemoteTrack>()
  readonly #events: MemberEvents

  constructor(member: Member, events: MemberEvents) {
    this.member = member
    this.participant = participantOfMember(member)
    this.#events = events
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
    const { display_name: name, metadata } = this.member.join_props
    this.member = member
    this.participant = participantOfMember(member)
    if (name !== member.join_props.display_name || JSON.stringify(metadata) !== JSON.stringify(member.join_props.metadata)) {
      this.#events.emit('participant-updated', { participant: this.participant, raw })
    }
    this.#reconcile(raw)
  }

  setProps(props: MemberProps, raw: unknown): void {
    this.update({ ...this.member, join_props: { ...this.member.join_props, ...props } }, raw)
  }

  setReceived(track: MediaStreamTrack, streamId: string | undefined, live: boolean, raw: unknown): void {
    if (live) this.#received.set(track, streamId)
    else this.#received.delete(track)
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
    const props = this.member.join_props
    const wanted = new Map<LocalSource, MediaStreamTrack>()
    // The newest track of a source wins (a peer that replaced its side sends new ones).
    for (const [track, streamId] of this.#received) {
      const source = sourceOf(props, track, streamId)
      if (source) wanted.set(source, track)
    }
    for (const [source, current] of this.#subscribed) {
      if (wanted.get(source) === current.mediaStreamTrack) continue
      this.#subscribed.delete(source)
      this.#muted.delete(current)
      // Emit first: the listener's `track.detach()` returns the elements the app attached (and removes them).
      this.#events.emit('track-unsubscribed', { participant: this.participant, track: current, raw })
      current.detach()
    }
    for (const [source, track] of wanted) {
      let remote = this.#subscribed.get(source)
      if (!remote) {
        remote = new RemoteTrack(track, source)
        this.#subscribed.set(source, remote)
        this.#events.emit('track-subscribed', { participant: this.participant, track: remote, raw })
      }
      const muted = (source === 'camera' && props.video === false) || (source === 'microphone' && props.audio === false)
      if (muted === this.#muted.has(remote)) continue
      if (muted) this.#muted.add(remote)
      else this.#muted.delete(remote)
      this.#events.emit(muted ? 'track-muted' : 'track-unmuted', { participant: this.participant, track: remote, raw })
    }
  }
}
