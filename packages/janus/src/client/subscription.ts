import type { ConnectionEvents, EventEmitter, Participant, TrackSource } from '@callport/core'
import { decodeJanusDisplay, type JanusDisplay } from '../shared/connect-parameters'
import { peerConnectionOf, type JanusJsJsep, type JanusJsMessage, type JanusJsPluginHandle, type JanusJsSession } from './janus-js-types'
import { describedMutedOf, disabledMidsOf, LIVE_DESCRIPTION, midsOf, MUTED_DESCRIPTION, streamsOfDisplay } from './published-streams'
import { attachVideoRoom } from './publisher'
import { JanusRemoteTrack } from './remote-track'
import type { ListedParticipant } from './roster'

/** A publisher in the room, as VideoRoom lists it. */
interface Feed {
  id: number
  display: JanusDisplay
  raw: unknown
  /** The publisher's mids asked for so far (its streams as VideoRoom listed them). */
  requested: Set<string>
  /** The publisher's mids it says are muted (stream description {@link MUTED_DESCRIPTION}). */
  described: Set<string>
  /** The publisher's mids a moderator muted (VideoRoom `moderation` events). */
  moderated: Set<string>
  /** The publisher's mids it stopped sending (listed disabled): not subscribed to again unless listed enabled. */
  removed: Set<string>
}

/** A subscription to ask the subscriber handle for: a feed's streams (all of them, or these mids). */
interface Wanted {
  feed: number
  mids?: string[]
  /** Stop receiving these (`update` with `unsubscribe`) instead. */
  unsubscribe?: boolean
}

/** One subscribed stream: its feed, and its track once janus.js gave it. */
interface Subscribed {
  feed: number
  /** The publisher's mid of the stream. */
  feedMid?: string
  source: TrackSource
  track?: JanusRemoteTrack
}

/** The participant a VideoRoom display names. */
export function participantOfDisplay(display: JanusDisplay): Participant {
  return { identity: display.identity, role: 'publisher', ...(display.name === undefined ? {} : { name: display.name }) }
}

/** What a {@link Subscription} subscribes with. */
export interface SubscriptionOptions {
  room: number
  /** VideoRoom room token: the subscriber's `join`. */
  roomToken: string
  /** This page's identity: its own feeds are not subscribed to. */
  localIdentity: string
}

/** How a {@link Subscription} reports to its connection. */
export interface SubscriptionHooks {
  /** Where participant and remote track events go. */
  events: Pick<EventEmitter<ConnectionEvents>, 'emit'>
  /** Whether the connection ended: then nothing is asked for any more. */
  closed(): boolean
  /** The last feed of `identity` left the room (just before its `participant-left`). */
  left(identity: string): void
  /** janus.js's ICE state of the subscriber handle's peer connection. */
  iceState(state: string): void
}

/**
 * The subscriber side of a call: the room's other publishers (feeds) and one subscriber handle
 * (VideoRoom's multistream API) that subscribes to their streams, one request at a time (`join` with
 * `streams`, then `update` with `subscribe` or `unsubscribe`, each offer answered with `start`). It
 * announces participants joining and leaving, the tracks janus.js hands over (`onremotetrack`) and
 * their mute state (stream descriptions and VideoRoom's moderation events).
 */
export class Subscription {
  readonly #options: SubscriptionOptions
  readonly #hooks: SubscriptionHooks
  #handle: JanusJsPluginHandle | undefined
  readonly #feeds = new Map<number, Feed>()
  readonly #streams = new Map<string, Subscribed>()
  /** Feeds waiting for the subscriber handle; one request at a time. */
  readonly #wanted: Wanted[] = []
  #subscribing = false
  #joined = false
  /** Subscribing starts with {@link start}, so that the session listens before the first track is announced. */
  #started = false

  constructor(options: SubscriptionOptions, hooks: SubscriptionHooks) {
    this.#options = options
    this.#hooks = hooks
  }

  /** The subscriber handle, once attached. */
  get handle(): JanusJsPluginHandle | undefined {
    return this.#handle
  }

  /** The subscriber handle's peer connection, once negotiated. */
  get peerConnection(): RTCPeerConnection | undefined {
    return peerConnectionOf(this.#handle)
  }

  /** Attaches the subscriber handle (nothing is asked for before {@link start}). */
  async attach(session: JanusJsSession, coreToken: string): Promise<void> {
    this.#handle = await attachVideoRoom(
      session,
      {
        onmessage: (message, jsep) => this.#onMessage(message, jsep),
        onremotetrack: (track, mid, on) => this.#onRemoteTrack(track, mid, on),
        iceState: (state) => this.#hooks.iceState(state),
      },
      coreToken,
    )
  }

  /** Starts subscribing to the feeds known so far and to those that come. */
  start(): void {
    this.#started = true
    this.#next()
  }

  /** The remote participants (one per identity, whatever its number of feeds). */
  participants(): Participant[] {
    const byIdentity = new Map<string, Participant>()
    for (const feed of this.#feeds.values()) byIdentity.set(feed.display.identity, participantOfDisplay(feed.display))
    return [...byIdentity.values()]
  }

  /** The participant publishing feed `id`, unless it is a screen share (its audio is not someone speaking). */
  speakerOf(id: unknown): Participant | undefined {
    const feed = this.#feeds.get(id as number)
    return feed && feed.display.source !== 'screen' ? participantOfDisplay(feed.display) : undefined
  }

  /** The participant whose microphone this page receives on `mid` (the subscriber's mid). */
  microphoneOf(mid: string | null): Participant | undefined {
    const stream = mid === null ? undefined : this.#streams.get(mid)
    const feed = stream && stream.source === 'microphone' ? this.#feeds.get(stream.feed) : undefined
    return feed && participantOfDisplay(feed.display)
  }

  /** The mids and track ids this page receives from `identity`. */
  tracksOf(identity: string): string[] {
    const ids: string[] = []
    for (const [mid, stream] of this.#streams)
      if (this.#feeds.get(stream.feed)?.display.identity === identity) {
        ids.push(mid)
        if (stream.track) ids.push(stream.track.mediaStreamTrack.id)
      }
    return ids
  }

  /** The feeds a VideoRoom event of the publisher handle lists (`joined`, `publishers`) or says are gone (`unpublished`, `leaving`, `kicked`). */
  onPublishers(message: JanusJsMessage): void {
    const publishers = message.publishers as Array<{ id: number; display?: string }> | undefined
    // Those listed in `joined` were there before: participants of the room, not announced as joining.
    const announce = message.videoroom !== 'joined'
    for (const publisher of publishers ?? []) this.#addFeed(publisher.id, publisher.display, publisher, announce)
    const gone = [message.unpublished, message.leaving, message.kicked].find((value) => typeof value === 'number')
    if (typeof gone === 'number') this.#removeFeed(gone, message)
  }

  /** VideoRoom's `moderation` event on another publisher's stream: track-muted / track-unmuted of that stream. */
  onModeration(message: JanusJsMessage): void {
    if (typeof message.mid !== 'string') return
    const feed = this.#feeds.get(message.id as number)
    const mid = message.mid
    if (feed) this.#setMuted(feed, () => (message.moderation === 'muted' ? feed.moderated.add(mid) : feed.moderated.delete(mid)), message)
  }

  /** Adds the publishers `listparticipants` lists that are new, removes those no longer listed. */
  onListing(listed: ListedParticipant[], raw: JanusJsMessage, announce: boolean): void {
    if (this.#hooks.closed()) return
    const publishing = listed.filter((participant) => participant.publisher)
    for (const participant of publishing) {
      // A Callport page lists its streams (and their mute state) in its display: new ones are
      // subscribed to, gone ones unsubscribed, muted ones track-muted, as the publishers' pages learn from VideoRoom.
      const displayed = streamsOfDisplay(participant.display)
      const existing = this.#feeds.get(participant.id)
      const streams = displayed && [
        ...displayed.map(({ mid, type, muted }) => ({ mid, type, description: muted ? MUTED_DESCRIPTION : LIVE_DESCRIPTION })),
        ...[...(existing?.requested ?? [])].filter((mid) => !displayed.some((stream) => stream.mid === mid)).map((mid) => ({ mid, disabled: true })),
      ]
      this.#addFeed(participant.id, participant.display, streams ? { ...participant, streams } : participant, announce)
    }
    for (const id of [...this.#feeds.keys()]) if (!publishing.some((participant) => participant.id === id)) this.#removeFeed(id, raw)
  }

  /** Removes every feed (the connection ends): their tracks are unsubscribed and their participants leave. */
  close(): void {
    for (const feed of [...this.#feeds.keys()]) this.#removeFeed(feed, undefined)
  }

  /**
   * A publisher VideoRoom listed: a new feed is subscribed to (all its streams); a known one that
   * publishes more streams now (a camera turned on after the microphone: a renegotiation) gets those added.
   */
  #addFeed(id: number, display: string | undefined, raw: unknown, announce: boolean): void {
    const decoded = decodeJanusDisplay(display)
    // Callport wrote every display; a feed without one (the server half's own short join) is not a participant.
    if (!decoded || decoded.identity === this.#options.localIdentity) return
    const mids = midsOf((raw as { streams?: unknown } | undefined)?.streams)
    const existing = this.#feeds.get(id)
    if (existing) {
      // Streams the publisher removed (VideoRoom lists them disabled; a moderated stream published again, say).
      // Their m-lines are freed (`update` with `unsubscribe`); a mid enabled again later is subscribed to again.
      const disabled = disabledMidsOf((raw as { streams?: unknown } | undefined)?.streams).filter((mid) => existing.requested.has(mid))
      for (const mid of disabled) {
        existing.requested.delete(mid)
        existing.removed.add(mid)
      }
      for (const mid of mids) existing.removed.delete(mid)
      for (const [mid, stream] of this.#streams)
        if (stream.feed === id && stream.feedMid !== undefined && disabled.includes(stream.feedMid)) this.#dropStream(mid, stream, raw)
      if (disabled.length > 0) this.#wanted.push({ feed: id, mids: disabled, unsubscribe: true })
      const streamsListed = (raw as { streams?: unknown } | undefined)?.streams
      if (Array.isArray(streamsListed)) this.#setMuted(existing, () => (existing.described = describedMutedOf(streamsListed)), raw)
      const added = mids.filter((mid) => !existing.requested.has(mid))
      for (const mid of added) existing.requested.add(mid)
      if (added.length > 0) this.#wanted.push({ feed: id, mids: added })
      return this.#next()
    }
    const known = [...this.#feeds.values()].some((feed) => feed.display.identity === decoded.identity)
    this.#feeds.set(id, {
      id,
      display: decoded,
      raw,
      requested: new Set(mids),
      described: describedMutedOf((raw as { streams?: unknown } | undefined)?.streams),
      moderated: new Set(),
      removed: new Set(),
    })
    if (!known && announce) this.#hooks.events.emit('participant-joined', { participant: participantOfDisplay(decoded), raw })
    this.#wanted.push({ feed: id })
    this.#next()
  }

  #removeFeed(id: number, raw: unknown): void {
    const feed = this.#feeds.get(id)
    if (!feed) return
    this.#feeds.delete(id)
    const participant = participantOfDisplay(feed.display)
    for (const [mid, stream] of this.#streams)
      if (stream.feed === id) {
        this.#streams.delete(mid)
        if (stream.track) {
          this.#hooks.events.emit('track-unsubscribed', { participant, track: stream.track, raw })
          stream.track.detach()
        }
      }
    if (![...this.#feeds.values()].some((other) => other.display.identity === feed.display.identity)) {
      this.#hooks.left(feed.display.identity)
      this.#hooks.events.emit('participant-left', { participant, raw })
    }
  }

  #next(): void {
    if (this.#subscribing || this.#hooks.closed() || !this.#started || !this.#handle) return
    const wanted = this.#wanted.shift()
    if (wanted === undefined) return
    const { feed, mids, unsubscribe } = wanted
    if (!this.#feeds.has(feed) || (unsubscribe && !this.#joined)) return this.#next()
    this.#subscribing = true
    const streams = mids ? mids.map((mid) => ({ feed, mid })) : [{ feed }]
    const { room, roomToken } = this.#options
    this.#handle.send({
      message: !this.#joined
        ? { request: 'join', room, ptype: 'subscriber', streams, token: roomToken }
        : unsubscribe
          ? { request: 'update', unsubscribe: streams }
          : { request: 'update', subscribe: streams },
    })
    this.#joined = true
  }

  #onMessage(message: JanusJsMessage, jsep: JanusJsJsep | undefined): void {
    const streams = message.streams as Array<{ mid: string; type: string; active?: boolean; feed_id?: number; feed_mid?: string; feed_display?: string }> | undefined
    for (const stream of streams ?? []) {
      const known = this.#streams.get(stream.mid)
      // VideoRoom reuses an inactive m-line for the next stream: a mid whose feed or feed mid changed is another stream.
      if (known && (stream.active === false || stream.feed_id !== known.feed || stream.feed_mid !== known.feedMid)) this.#dropStream(stream.mid, known, message)
      const feed = stream.feed_id === undefined ? undefined : this.#feeds.get(stream.feed_id)
      // A stream its publisher removed (disabled) stays listed until the unsubscribe is through.
      const removed = feed !== undefined && stream.feed_mid !== undefined && feed.removed.has(stream.feed_mid)
      // What the subscription holds counts as asked for (a listing that lagged behind asks for it no more).
      if (feed && stream.feed_mid !== undefined && !removed && stream.active !== false) feed.requested.add(stream.feed_mid)
      if (stream.feed_id !== undefined && stream.active !== false && !removed && !this.#streams.has(stream.mid)) {
        const screen = decodeJanusDisplay(stream.feed_display)?.source === 'screen'
        const source: TrackSource = stream.type === 'audio' ? (screen ? 'screen-audio' : 'microphone') : stream.type === 'video' ? (screen ? 'screen' : 'camera') : 'unknown'
        this.#streams.set(stream.mid, { feed: stream.feed_id, source, ...(stream.feed_mid === undefined ? {} : { feedMid: stream.feed_mid }) })
      }
    }
    if (jsep)
      this.#handle!.createAnswer({
        jsep,
        // Receive only: a data entry keeps janus.js from capturing anything for the answer.
        tracks: [{ type: 'data', capture: false }],
        success: (answer) => {
          this.#handle!.send({ message: { request: 'start' }, jsep: answer })
          this.#announceReused()
        },
        error: () => this.#release(),
      })
    if (message.started === 'ok' || message.error || (message.videoroom === 'updated' && !jsep)) this.#release()
  }

  /**
   * VideoRoom reuses an inactive m-line for a new stream: its transceiver (and receiver track) stays,
   * so janus.js announces it only if the track unmutes. A stream whose receiver track already plays
   * is announced here.
   */
  #announceReused(): void {
    const transceivers = this.peerConnection?.getTransceivers() ?? []
    for (const [mid, stream] of this.#streams) {
      if (stream.track) continue
      const track = transceivers.find((transceiver) => transceiver.mid === mid)?.receiver.track
      if (track && track.readyState === 'live' && !track.muted) this.#onRemoteTrack(track, mid, true)
    }
  }

  /** A subscribed stream that is no longer sent (its publisher stopped it): `track-unsubscribed`. */
  #dropStream(mid: string, stream: Subscribed, raw: unknown): void {
    this.#streams.delete(mid)
    const feed = this.#feeds.get(stream.feed)
    if (!stream.track || !feed) return
    this.#hooks.events.emit('track-unsubscribed', { participant: participantOfDisplay(feed.display), track: stream.track, raw })
    stream.track.detach()
  }

  #release(): void {
    this.#subscribing = false
    this.#next()
  }

  #isMuted(feed: Feed, feedMid: string): boolean {
    return feed.described.has(feedMid) || feed.moderated.has(feedMid)
  }

  /** Changes what `feed` says is muted (`change`), and emits track-muted / track-unmuted for each announced track whose state changed. */
  #setMuted(feed: Feed, change: () => void, raw: unknown): void {
    const before = new Map<Subscribed, boolean>()
    for (const stream of this.#streams.values())
      if (stream.feed === feed.id && stream.track && stream.feedMid !== undefined) before.set(stream, this.#isMuted(feed, stream.feedMid))
    change()
    const participant = participantOfDisplay(feed.display)
    for (const [stream, muted] of before) {
      const now = this.#isMuted(feed, stream.feedMid!)
      if (now !== muted && stream.track) this.#hooks.events.emit(now ? 'track-muted' : 'track-unmuted', { participant, track: stream.track, raw })
    }
  }

  #onRemoteTrack(track: MediaStreamTrack, mid: string, on: boolean): void {
    const stream = this.#streams.get(mid)
    const feed = stream && this.#feeds.get(stream.feed)
    if (!stream || !feed) return
    const participant = participantOfDisplay(feed.display)
    const { events } = this.#hooks
    if (on && !stream.track) {
      // janus.js calls onremotetrack more than once per stream: the first announces it.
      stream.track = new JanusRemoteTrack(track, stream.source, mid)
      events.emit('track-subscribed', { participant, track: stream.track })
      // Muted already (turned off, or by a moderator): said right after it is announced.
      if (stream.feedMid !== undefined && this.#isMuted(feed, stream.feedMid)) events.emit('track-muted', { participant, track: stream.track })
    } else if (!on && stream.track && stream.track.mediaStreamTrack.readyState === 'ended') {
      const gone = stream.track
      stream.track = undefined
      events.emit('track-unsubscribed', { participant, track: gone })
      gone.detach()
    }
  }
}
