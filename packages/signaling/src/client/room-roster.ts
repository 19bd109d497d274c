import type { ConnectionEvents, EventEmitter, Participant } from '@callport/core'
import type { Member, MemberProps } from '../shared/protocol'
import type { PeerLink, PeerSignal } from './peer-link'
import { RemoteMember } from './remote-member'

export interface RoomRosterOptions {
  /** The local identity: members with it (this client, or its own stale connection) are not remote. */
  identity: string
  /**
   * How long a member whose socket left stays in the room while its peer connection still works, so
   * that it can come back (reconnect its socket) without the call being torn down. 0 disables it.
   */
  graceMilliseconds: number
  /** How long `PeerLink.resume` may wait for a kept link to be up again. */
  resumeMilliseconds?: number
  /** Opens the peer connection to a member; undefined where there is no WebRTC. */
  connect(remote: RemoteMember): PeerLink | undefined
  /** Where participant and track events go. */
  events: Pick<EventEmitter<ConnectionEvents>, 'emit'>
}

/**
 * The remote members of the room, keyed by member id (`member.id`, the id used as `to`), and the peer
 * connection to each. A server may announce a member under another id (a VT server's `on_join` first
 * argument is not `member.id`); that id is remembered as an alias, so that later events naming it
 * (`on_leave`, `on_props_set`, a relayed request's `from`) find the member. A member is
 * one identity: when it comes back under a new member id (after its socket reconnected) it keeps its
 * peer connection if that still works, and the app sees no leave and no join.
 */
export class RoomRoster {
  readonly #members = new Map<string, RemoteMember>()
  /** Other ids a server announced members under (`on_join`'s first argument) → the member. */
  readonly #aliases = new Map<string, RemoteMember>()
  readonly #options: RoomRosterOptions
  #localId: string | undefined

  constructor(options: RoomRosterOptions) {
    this.#options = options
  }

  /** The local member id, which decides which side of each link is polite. */
  setLocalId(id: string): void {
    this.#localId = id
    for (const remote of this.#members.values()) if (remote.link) remote.link.polite = this.polite(remote)
  }

  /**
   * Whether the local side of the link to `remote` is the polite one: the side with the smaller
   * member id is polite, the other impolite, so the two sides always disagree.
   */
  polite(remote: RemoteMember): boolean {
    return this.#localId === undefined ? this.#options.identity < remote.member.name : this.#localId < remote.id
  }

  participants(): Participant[] {
    return [...this.#members.values()].map((remote) => remote.participant)
  }

  /** The member with this member id, or announced under this id. */
  get(id: string): RemoteMember | undefined {
    const member = this.#members.get(id)
    if (member) return member
    const aliased = this.#aliases.get(id)
    return aliased && this.#members.get(aliased.id) === aliased ? aliased : undefined
  }

  byIdentity(identity: string): RemoteMember | undefined {
    for (const remote of this.#members.values()) if (remote.member.name === identity) return remote
    return undefined
  }

  /** `on_join`; `announcedId` is its first argument, when it is not `member.id`. */
  join(member: Member, raw: unknown, announcedId: string = member.id): void {
    if (member.name === this.#options.identity) return
    const known = this.#members.get(member.id) ?? this.byIdentity(member.name)
    const remote = known ?? this.#add(member, raw, true)
    if (known) {
      const returned = known.id !== member.id
      // Back on a new socket with its peer connection kept: carry it on (nothing to do while it works).
      if (this.#rebind(known, member, raw, returned) && returned) void known.link?.resume(this.#resumeMilliseconds)
    }
    if (announcedId !== member.id) this.#aliases.set(announcedId, remote)
  }

  /** `on_leave`: the member goes at once, or after the grace period if its peer connection still works. */
  leave(id: string, raw: unknown): void {
    const remote = this.get(id)
    if (remote) this.#suspend(remote, raw)
  }

  /**
   * The peer replaced its RTCPeerConnection (a new offer from another certificate): the old link
   * goes (its tracks are unsubscribed), a new one takes the offer. The member stays.
   */
  replaceLink(remote: RemoteMember, signal: PeerSignal): void {
    if (this.#members.get(remote.id) !== remote) return
    remote.close(undefined)
    remote.link = this.#options.connect(remote)
    if (!remote.link) return
    remote.link.polite = this.polite(remote)
    remote.link.receive(signal)
  }

  /** The member goes at once, or after the grace period if its peer connection still works. */
  #suspend(remote: RemoteMember, raw: unknown): void {
    if (remote.suspension !== undefined) return
    if (this.#options.graceMilliseconds > 0 && remote.link?.alive) {
      remote.suspension = setTimeout(() => this.#remove(remote, raw), this.#options.graceMilliseconds)
    } else {
      this.#remove(remote, raw)
    }
  }

  /** `on_props_set`. */
  setProps(id: string, props: MemberProps, raw: unknown): void {
    this.get(id)?.setProps(props, raw)
  }

  /** A link's health changed: a suspended member whose peer connection stopped working is gone. */
  checkHealth(remote: RemoteMember): void {
    if (remote.suspension !== undefined && !remote.link?.alive) this.#remove(remote, undefined)
  }

  /** Routes a `webrtc_signal` to the link of the member that sent it. */
  signal(from: string, signal: PeerSignal): void {
    this.get(from)?.link?.receive(signal)
  }

  remotes(): RemoteMember[] {
    return [...this.#members.values()]
  }

  /** The peer connection to each member, by identity. */
  peerConnections(): Map<string, RTCPeerConnection> {
    return new Map(this.remotes().flatMap((remote) => (remote.link ? [[remote.member.name, remote.link.connection] as const] : [])))
  }

  /** Every open peer connection. */
  links(): PeerLink[] {
    return [...this.#members.values()].flatMap((remote) => (remote.link ? [remote.link] : []))
  }

  /**
   * Takes the member list of a (re-)join: members still there keep their peer connection when it
   * can carry on (`PeerLink.reusable`); new members join (announced with events when `announce`: the
   * members found on the first join are simply listed, like every provider does); members missing
   * from the list are treated like an `on_leave` — kept for the grace period while the peer
   * connection to them works (after a signaling server restart the list holds only those who came
   * back before this client: the others re-join within moments and are rebound), else gone at once.
   * Returns the members whose peer connection was kept.
   */
  sync(members: Member[], raw: unknown, announce: boolean): RemoteMember[] {
    const seen = new Set<RemoteMember>()
    const kept: RemoteMember[] = []
    for (const member of members) {
      if (member.name === this.#options.identity) continue
      const known = this.#members.get(member.id) ?? this.byIdentity(member.name)
      if (known && !seen.has(known)) {
        const keptLink = this.#rebind(known, member, raw, true)
        if (keptLink) kept.push(known)
        seen.add(known)
      } else if (!known) {
        seen.add(this.#add(member, raw, announce))
      }
    }
    for (const remote of [...this.#members.values()]) if (!seen.has(remote)) this.#suspend(remote, raw)
    return kept
  }

  /** Closes every peer connection, with no events (the connection is ending). */
  close(): void {
    for (const remote of this.#members.values()) remote.close(undefined)
    this.#members.clear()
    this.#aliases.clear()
  }

  #add(member: Member, raw: unknown, announce: boolean): RemoteMember {
    const remote = new RemoteMember(member, this.#options.events)
    this.#members.set(member.id, remote)
    if (announce) this.#options.events.emit('participant-joined', { participant: remote.participant, raw })
    remote.link = this.#options.connect(remote)
    if (remote.link) remote.link.polite = this.polite(remote)
    return remote
  }

  /**
   * Takes a newer description of a known member. With `renew` (the member or this client came back
   * on a new socket) a peer connection that cannot carry on (closed, or its data channel closed: the
   * peer closed its side) is replaced by a new one. Returns whether the peer connection was kept.
   */
  get #resumeMilliseconds(): number {
    return this.#options.resumeMilliseconds ?? 10_000
  }

  #rebind(remote: RemoteMember, member: Member, raw: unknown, renew: boolean): boolean {
    if (remote.suspension !== undefined) clearTimeout(remote.suspension)
    remote.suspension = undefined
    if (remote.id !== member.id) {
      this.#members.delete(remote.id)
      this.#members.set(member.id, remote)
    }
    remote.update(member, raw)
    const keep = remote.link?.reusable === true
    if (remote.link && !keep && renew) {
      remote.close(raw)
      remote.link = this.#options.connect(remote)
    }
    if (remote.link) remote.link.polite = this.polite(remote)
    return keep
  }

  #remove(remote: RemoteMember, raw: unknown): void {
    if (this.#members.get(remote.id) !== remote) return
    this.#members.delete(remote.id)
    for (const [alias, aliased] of this.#aliases) if (aliased === remote) this.#aliases.delete(alias)
    remote.close(raw)
    this.#options.events.emit('participant-left', { participant: remote.participant, raw })
  }
}
