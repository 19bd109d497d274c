import type { ConnectionEvents, ConnectionQuality, DisconnectReason, EventEmitter, Metadata, Participant, Room, TrackKind } from '@callport/core'
import { MemoryTrack, type MemoryTrackSource } from './memory-track'

/** How the room reaches one member's connection. */
export interface MemberEndpoint {
  /** Where events for this member are emitted. */
  readonly events: Pick<EventEmitter<ConnectionEvents>, 'emit'>
  /** The hub ended the connection (removed, room closed, token expired, dropped…). */
  ended(reason: DisconnectReason): void
  /** The server half muted this member's microphone (`audio`) or camera (`video`): unpublish it and say so. */
  mutedByModerator(kind: TrackKind): void
}

/** What a participant may change about itself mid-call. */
export interface ParticipantUpdate {
  name?: string
  metadata?: Metadata
}

/** What a connection can do in its room. */
export interface Membership {
  readonly room: Room
  /** This member as the others see it now (updated by `update`). */
  readonly participant: Participant
  /** The other members, in join order. */
  others(): Participant[]
  setPublished(source: MemoryTrackSource, published: boolean): void
  /** Mutes or unmutes a published track (it stays published); a no-op when `source` is not published. */
  setMuted(source: MemoryTrackSource, muted: boolean): void
  send(data: string, to: readonly string[] | undefined): void
  /** Moves the token expiry to `expiresAtSeconds` (seconds since the epoch). */
  renew(expiresAtSeconds: number): void
  /** Leaves without an event to the leaver itself. */
  leave(): void
  /** Speaks at `level` (0 to 1, 0 = silence): every member sees `active-speakers-changed` when the ordered speakers change. */
  setSpeaking(level: number): void
  /** This member's connection quality: `connection-quality-changed` to itself (`local: true`) and the others, on change. */
  setQuality(quality: ConnectionQuality): void
  /** Changes this member's name and/or metadata: the others see `participant-updated`. */
  update(update: ParticipantUpdate): void
}

interface Member {
  participant: Participant
  readonly endpoint: MemberEndpoint
  /** Publication id by source. */
  readonly published: Map<MemoryTrackSource, string>
  /** The published sources that are muted. */
  readonly muted: Set<MemoryTrackSource>
  /** Tracks this member received, by publication id. */
  readonly received: Map<string, MemoryTrack>
  expiryTimer: ReturnType<typeof setTimeout> | undefined
  /** Pending delivery of the tracks that were already published when this member joined. */
  catchUpTimer: ReturnType<typeof setTimeout> | undefined
  /** How loud this member speaks now (0 = silent). */
  level: number
  quality: ConnectionQuality | undefined
}

/** Longest setTimeout delay; later expiries are re-armed when this one fires. */
const maximumTimerDelay = 2_147_483_647

let sequence = 0
const newId = (prefix: string): string => `${prefix}_${(++sequence).toString(36)}${globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`

/** One live room of a memory hub: its members, their synthetic tracks, and event routing between them. */
export class MemoryRoom {
  readonly room: Room
  readonly #members = new Map<string, Member>()
  /** The identities of the last `active-speakers-changed`, loudest first. */
  #speakers: string[] = []

  constructor(name: string, provider: string) {
    this.room = { name, provider, providerRoomId: newId('room'), createdAt: new Date().toISOString() }
  }

  participants(): Participant[] {
    return [...this.#members.values()].map((member) => member.participant)
  }

  has(identity: string): boolean {
    return this.#members.has(identity)
  }

  /**
   * Admits a connection. An earlier connection with the same identity ends with `duplicate-identity`.
   * Members already here see `participant-joined` at once; the newcomer receives their published
   * tracks a moment later (a zero-delay timer), once the app has had a chance to listen.
   */
  join(participant: Omit<Participant, 'providerParticipantId'>, expiresAtSeconds: number, endpoint: MemberEndpoint): Membership {
    this.end(participant.identity, 'duplicate-identity')
    const member: Member = {
      participant: { ...participant, providerParticipantId: newId('participant') },
      endpoint,
      published: new Map(),
      muted: new Set(),
      received: new Map(),
      expiryTimer: undefined,
      catchUpTimer: undefined,
      level: 0,
      quality: undefined,
    }
    this.#members.set(participant.identity, member)
    for (const other of this.#others(member)) {
      other.endpoint.events.emit('participant-joined', { participant: member.participant, raw: { type: 'member-joined', identity: participant.identity } })
    }
    member.catchUpTimer = setTimeout(() => {
      member.catchUpTimer = undefined
      for (const other of this.#others(member)) {
        for (const [source, id] of other.published) this.#subscribe(member, other, source, id)
      }
    }, 0)
    this.#armExpiry(member, expiresAtSeconds)
    return {
      room: this.room,
      get participant() {
        return member.participant
      },
      others: () => (this.#isCurrent(member) ? this.#others(member).map((other) => other.participant) : []),
      setPublished: (source, published) => this.#isCurrent(member) && this.#setPublished(member, source, published),
      setMuted: (source, muted) => this.#isCurrent(member) && this.#setMuted(member, source, muted),
      send: (data, to) => this.#isCurrent(member) && this.#send(member, data, to),
      renew: (seconds) => this.#isCurrent(member) && this.#armExpiry(member, seconds),
      leave: () => this.#isCurrent(member) && this.#remove(member),
      setSpeaking: (level) => this.#isCurrent(member) && this.#setSpeaking(member, level),
      setQuality: (quality) => this.#isCurrent(member) && this.#setQuality(member, quality),
      update: (update) => this.#isCurrent(member) && this.#update(member, update),
    }
  }

  /** Tells the member `identity` that a moderator muted its `kind`; false when it is not here. */
  mute(identity: string, kind: TrackKind): boolean {
    const member = this.#members.get(identity)
    if (!member) return false
    member.endpoint.mutedByModerator(kind)
    return true
  }

  /** Changes the name and/or metadata of `identity` (the server half): the others see `participant-updated`; false when it is not here. */
  update(identity: string, update: ParticipantUpdate): boolean {
    const member = this.#members.get(identity)
    if (!member) return false
    this.#update(member, update)
    return true
  }

  /** Sets the connection quality of `identity`; false when it is not here. */
  setQuality(identity: string, quality: ConnectionQuality): boolean {
    const member = this.#members.get(identity)
    if (!member) return false
    this.#setQuality(member, quality)
    return true
  }

  /** Ends the connection of `identity` with `reason`; false when it is not here. */
  end(identity: string, reason: DisconnectReason): boolean {
    const member = this.#members.get(identity)
    if (!member) return false
    this.#remove(member)
    member.endpoint.ended(reason)
    return true
  }

  /** Ends every connection with `reason`. */
  endAll(reason: DisconnectReason): void {
    for (const identity of [...this.#members.keys()]) this.end(identity, reason)
  }

  #isCurrent(member: Member): boolean {
    return this.#members.get(member.participant.identity) === member
  }

  #others(member: Member): Member[] {
    return [...this.#members.values()].filter((other) => other !== member)
  }

  #armExpiry(member: Member, expiresAtSeconds: number): void {
    clearTimeout(member.expiryTimer)
    const delay = expiresAtSeconds * 1000 - Date.now()
    member.expiryTimer = setTimeout(
      () => {
        if (delay > maximumTimerDelay) this.#armExpiry(member, expiresAtSeconds)
        else this.end(member.participant.identity, 'token-expired')
      },
      Math.min(Math.max(delay, 0), maximumTimerDelay),
    )
  }

  #remove(member: Member): void {
    this.#members.delete(member.participant.identity)
    clearTimeout(member.expiryTimer)
    clearTimeout(member.catchUpTimer)
    for (const source of [...member.published.keys()]) this.#setPublished(member, source, false)
    for (const other of this.#members.values()) {
      other.endpoint.events.emit('participant-left', { participant: member.participant, raw: { type: 'member-left', identity: member.participant.identity } })
    }
    this.#announceSpeakers()
  }

  #setSpeaking(member: Member, level: number): void {
    member.level = Math.min(Math.max(level, 0), 1)
    this.#announceSpeakers()
  }

  /** Emits `active-speakers-changed` to every member when the speakers, loudest first, are not the last ones announced. */
  #announceSpeakers(): void {
    const speakers = [...this.#members.values()].filter((member) => member.level > 0).sort((a, b) => b.level - a.level)
    const identities = speakers.map((member) => member.participant.identity)
    if (identities.length === this.#speakers.length && identities.every((identity, index) => identity === this.#speakers[index])) return
    this.#speakers = identities
    const event = {
      speakers: speakers.map((member) => ({ participant: member.participant, level: member.level })),
      raw: { type: 'active-speakers', identities },
    }
    for (const member of this.#members.values()) member.endpoint.events.emit('active-speakers-changed', { ...event, speakers: [...event.speakers] })
  }

  #setQuality(member: Member, quality: ConnectionQuality): void {
    if (member.quality === quality) return
    member.quality = quality
    const raw = { type: 'connection-quality', identity: member.participant.identity, quality }
    for (const other of this.#members.values()) {
      other.endpoint.events.emit('connection-quality-changed', { participant: member.participant, local: other === member, quality, raw })
    }
  }

  #update(member: Member, update: ParticipantUpdate): void {
    member.participant = {
      ...member.participant,
      ...(update.name !== undefined && { name: update.name }),
      ...(update.metadata !== undefined && { metadata: update.metadata }),
    }
    for (const other of this.#others(member)) {
      other.endpoint.events.emit('participant-updated', { participant: member.participant, raw: { type: 'member-updated', identity: member.participant.identity, update } })
    }
  }

  #setPublished(member: Member, source: MemoryTrackSource, published: boolean): void {
    const id = member.published.get(source)
    if (published && id === undefined) {
      const publication = newId('track')
      member.published.set(source, publication)
      for (const other of this.#others(member)) this.#subscribe(other, member, source, publication)
    } else if (!published && id !== undefined) {
      member.published.delete(source)
      member.muted.delete(source)
      for (const other of this.#others(member)) {
        const track = other.received.get(id)
        if (!track) continue
        other.received.delete(id)
        other.endpoint.events.emit('track-unsubscribed', { participant: member.participant, track, raw: { type: 'track-unpublished', id } })
        // As every adapter: the listeners detach first (their `track.detach()` returns the elements), then what is left goes.
        track.detach()
      }
    }
  }

  #setMuted(member: Member, source: MemoryTrackSource, muted: boolean): void {
    const id = member.published.get(source)
    if (id === undefined || member.muted.has(source) === muted) return
    if (muted) member.muted.add(source)
    else member.muted.delete(source)
    for (const other of this.#others(member)) {
      const track = other.received.get(id)
      if (track)
        other.endpoint.events.emit(muted ? 'track-muted' : 'track-unmuted', {
          participant: member.participant,
          track,
          raw: { type: muted ? 'track-muted' : 'track-unmuted', id },
        })
    }
  }

  /** Delivers a publication to `subscriber`: `track-subscribed`, then `track-muted` when it is muted now. */
  #subscribe(subscriber: Member, publisher: Member, source: MemoryTrackSource, id: string): void {
    if (subscriber.received.has(id)) return
    const track = new MemoryTrack(id, source)
    subscriber.received.set(id, track)
    subscriber.endpoint.events.emit('track-subscribed', { participant: publisher.participant, track, raw: { type: 'track-published', id } })
    if (publisher.muted.has(source)) subscriber.endpoint.events.emit('track-muted', { participant: publisher.participant, track, raw: { type: 'track-muted', id } })
  }

  #send(member: Member, data: string, to: readonly string[] | undefined): void {
    for (const other of this.#others(member)) {
      if (to && !to.includes(other.participant.identity)) continue
      other.endpoint.events.emit('data-received', { participant: member.participant, data, raw: { type: 'data', from: member.participant.identity } })
    }
  }
}
