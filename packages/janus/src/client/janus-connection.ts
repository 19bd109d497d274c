import {
  CallportError,
  EventEmitter,
  captureDisplayMedia,
  captureUserMedia,
  type ActiveSpeaker,
  type ClientConnection,
  type ConnectionEvents,
  type DeviceKind,
  type LocalTrack,
  type Participant,
  type ScreenShareOptions,
  type TrackKind,
  type TrackSource,
} from '@callport/core'
import { monitorActiveSpeakers, monitorConnectionQuality } from '@callport/provider-utils/client'
import { decodeJanusDisplay, encodeJanusDisplay, type JanusDisplay } from '../shared/connect-parameters'
import { JANUS_PROVIDER } from '../shared/provider-id'
import { peerConnectionOf, type JanusJs, type JanusJsJsep, type JanusJsMessage, type JanusJsPluginHandle, type JanusJsSession } from './janus-js-types'
import { attachVideoRoom, Publisher } from './publisher'
import { filteredPeerConnection, speakerLevelOfDbov } from './quality'
import { JanusRemoteTrack } from './remote-track'

/** What `JanusConnection.open` needs: janus.js, where Janus is, the two signed tokens and the room. */
export interface JanusConnectionOptions {
  Janus: JanusJs
  server: string
  /** Janus core signed token: every Janus API request. */
  coreToken: string
  /** VideoRoom room token: every `join`. */
  roomToken: string
  room: number
  local: Participant
  /** The page may publish (the token's `connect.publish`). */
  publish: boolean
  iceServers: RTCIceServer[]
  audio: boolean
  video: boolean
  /** Tracks to publish instead of capturing (a preview the page made and keeps owning). */
  tracks: readonly LocalTrack[]
}

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

/** A stream as a Callport page lists it in its display (`streams`), for the pages VideoRoom tells nothing. */
interface DisplayedStream {
  mid: string
  type: 'audio' | 'video'
  muted: boolean
}

/**
 * The streams a Callport page lists in its VideoRoom display (`{ identity, name?, streams }`): what a
 * subscriber-only page, which VideoRoom sends no `publishers` events, learns of a publisher's streams
 * and their mute state from `listparticipants`. Undefined when the display lists none.
 */
export function streamsOfDisplay(display: unknown): DisplayedStream[] | undefined {
  if (typeof display !== 'string') return undefined
  try {
    const { streams } = JSON.parse(display) as { streams?: unknown }
    if (!Array.isArray(streams)) return undefined
    return (streams as Array<Partial<DisplayedStream>>).flatMap((stream) =>
      typeof stream.mid === 'string' && (stream.type === 'audio' || stream.type === 'video') ? [{ mid: stream.mid, type: stream.type, muted: stream.muted === true }] : [],
    )
  } catch {
    return undefined
  }
}

/**
 * The VideoRoom stream description a Callport page gives a camera or microphone it turned off (it
 * stays published, disabled), and {@link LIVE_DESCRIPTION} when on again: an SDP-less `configure` with
 * `descriptions`, which VideoRoom announces to the room's publishers (`publishers` event).
 */
export const MUTED_DESCRIPTION = 'callport:muted'
/** The VideoRoom stream description of a camera or microphone turned on again (see {@link MUTED_DESCRIPTION}). */
export const LIVE_DESCRIPTION = 'callport:live'

/** A stream of a publisher, as VideoRoom lists it in `joined` / `publishers`. */
interface PublishedStream {
  mid?: string
  type?: string
  disabled?: boolean
  description?: string
}

/** The mids a publisher describes as muted. */
const describedMutedOf = (streams: unknown): Set<string> =>
  new Set(
    Array.isArray(streams)
      ? (streams as PublishedStream[]).flatMap((stream) => (stream.description === MUTED_DESCRIPTION && typeof stream.mid === 'string' ? [stream.mid] : []))
      : [],
  )

/** A subscription to ask the subscriber handle for: a feed's streams (all of them, or these mids). */
interface Wanted {
  feed: number
  mids?: string[]
  /** Stop receiving these (`update` with `unsubscribe`) instead. */
  unsubscribe?: boolean
}

/** The mids of a publisher's streams VideoRoom lists as disabled (removed in a renegotiation). */
const disabledMidsOf = (streams: unknown): string[] =>
  Array.isArray(streams) ? (streams as PublishedStream[]).flatMap((stream) => (stream.disabled && typeof stream.mid === 'string' ? [stream.mid] : [])) : []

/** The mids of the audio and video streams a publisher sends. */
const midsOf = (streams: unknown): string[] =>
  Array.isArray(streams)
    ? (streams as PublishedStream[]).flatMap((stream) =>
        !stream.disabled && (stream.type === 'audio' || stream.type === 'video') && typeof stream.mid === 'string' ? [stream.mid] : [],
      )
    : []

/** One subscribed stream: its feed, and its track once janus.js gave it. */
interface Subscribed {
  feed: number
  /** The publisher's mid of the stream. */
  feedMid?: string
  source: TrackSource
  track?: JanusRemoteTrack
}

type DeviceSource = 'camera' | 'microphone'
const sourceOfKind = { audio: 'microphone', video: 'camera' } as const satisfies Record<TrackKind, DeviceSource>

/**
 * Why Janus did not open a session: its refusal of the core token ("Unauthorized request (wrong or
 * missing secret/token)", core error 403) is TOKEN_EXPIRED when the token's expiry (its first field, in
 * seconds) is past, else UNAUTHORIZED, neither worth retrying with the same token; anything else (Janus
 * unreachable) is a retryable CONNECTION_FAILED.
 */
export function sessionError(reason: string, coreToken: string): CallportError {
  if (!/^Unauthorized/i.test(reason)) return new CallportError('CONNECTION_FAILED', `Janus session: ${reason}`, { provider: JANUS_PROVIDER, retryable: true })
  const expiry = Number(coreToken.split(',')[0])
  const expired = Number.isFinite(expiry) && expiry * 1000 <= Date.now()
  return new CallportError(expired ? 'TOKEN_EXPIRED' : 'UNAUTHORIZED', `Janus refused the token: ${reason}`, { provider: JANUS_PROVIDER, retryable: false })
}

/** How often a subscriber lists the room's publishers. */
const ROSTER_INTERVAL_MS = 2_000
/**
 * How long a publisher's peer connection may be down (janus.js `webrtcState(false)`) before the call
 * counts as lost: Janus hangs up a kicked publisher too, and its `leaving` message may come just after.
 */
const HANGUP_GRACE_MS = 1_000

/**
 * The janus.js objects behind a connection (`connection.vendor`, `session.vendorObject(janus)`):
 * outside the portable surface, tied to janus.js's version.
 */
export interface JanusVendorObject {
  session: JanusJsSession
  /** The handle publishing the camera and microphone (undefined for a subscriber-only token). */
  publisher: JanusJsPluginHandle | undefined
  /** The multistream subscriber handle receiving every other publisher. */
  subscriber: JanusJsPluginHandle | undefined
  /** The second publisher handle while a screen is shared. */
  screen: JanusJsPluginHandle | undefined
}

/**
 * One page's call on Janus's VideoRoom: a publisher handle that joins with the participant's
 * `display` and publishes the camera and microphone, a second publisher handle (display source
 * `screen`) while a screen is shared, and one subscriber handle (VideoRoom's multistream API) that
 * subscribes to every other publisher's streams, one request at a time (`join` with `streams`, then
 * `update` with `subscribe`, each offer answered with `start`).
 *
 * Call surface: the adapter captures the camera, microphone and screen itself (or publishes the
 * page's tracks) and lists them (`localTracks`); a camera or microphone turned off stays published,
 * disabled. Active speakers come from VideoRoom's `talking` / `stopped-talking` events (rooms made
 * with `audiolevel_event`), which Janus sends to the room's publishers; a subscriber-only page, which
 * is not a VideoRoom participant, measures the audio it receives instead. A moderator's `moderate` on
 * this page's mid gives `muted-by-moderator`; a camera or microphone turned off is described
 * `callport:muted` on its stream, which with VideoRoom's moderation events gives the others
 * `track-muted` / `track-unmuted`. `switchDevice` replaces the sent track (janus.js `replaceTracks`).
 * Connection quality comes from getStats of the peer connections. A lost Janus session, an ICE failure or a publisher connection that goes down ends the
 * call as `connection-lost` (the session joins again with a fresh token).
 */
export class JanusConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant: Participant
  readonly #options: JanusConnectionOptions
  readonly #session: JanusJsSession
  #publisher: Publisher | undefined
  #subscriber: JanusJsPluginHandle | undefined
  #screen: { publisher?: Publisher; tracks: LocalTrack[] } | undefined
  readonly #feeds = new Map<number, Feed>()
  readonly #streams = new Map<string, Subscribed>()
  /** Feeds waiting for the subscriber handle; one request at a time. */
  readonly #wanted: Wanted[] = []
  #subscribing = false
  #subscriberJoined = false
  /** Subscribing starts once `connect` returned, so that the session listens before the first track is announced. */
  #started = false
  #closed = false
  /** For a subscriber (a token that may not publish): the timer that lists the room's publishers. */
  #rosterTimer: ReturnType<typeof setTimeout> | undefined
  #hangupTimer: ReturnType<typeof setTimeout> | undefined
  /** The camera and microphone published, and whether the adapter captured them (then it stops them). */
  readonly #media = new Map<DeviceSource, { track: LocalTrack; owned: boolean }>()
  /** Tracks the page handed in, by source: published when that source is turned on. */
  readonly #given = new Map<DeviceSource, LocalTrack>()
  /** The device chosen with `switchDevice`, by source: later captures use it. */
  readonly #devices: Partial<Record<DeviceSource, string>> = {}
  /** Who talks (VideoRoom `talking`), by identity: level 0–1. */
  readonly #talking = new Map<string, ActiveSpeaker>()
  #reportedSpeakers = ''
  readonly #stopMonitors: Array<() => void> = []
  /** Kinds a moderator muted (VideoRoom keeps relaying nothing of that stream until it is published again). */
  readonly #moderated = new Set<TrackKind>()

  private constructor(options: JanusConnectionOptions, session: JanusJsSession) {
    super()
    this.#options = options
    this.#session = session
    this.localParticipant = options.local
  }

  /** The janus.js session and handles behind this connection (outside the contract). */
  get vendor(): JanusVendorObject {
    return { session: this.#session, publisher: this.#publisher?.handle, subscriber: this.#subscriber, screen: this.#screen?.publisher?.handle }
  }

  /** Opens the Janus session, joins the room (publishing when the token allows) and subscribes to the publishers there. */
  static async open(options: JanusConnectionOptions): Promise<JanusConnection> {
    // The session's error callback outlives the join: once joined, a lost session ends the connection.
    const opened: { connection?: JanusConnection; joined?: boolean } = {}
    // A session lost while joining fails the join (janus.js leaves the join's requests unanswered then).
    let failJoin: (error: CallportError) => void = () => undefined
    const lostWhileJoining = new Promise<never>((_, reject) => (failJoin = reject))
    lostWhileJoining.catch(() => undefined)
    const session = await new Promise<JanusJsSession>((resolve, reject) => {
      const created: JanusJsSession = new options.Janus({
        server: options.server,
        // Always given: janus.js's default is a public STUN server.
        iceServers: options.iceServers,
        token: options.coreToken,
        destroyOnUnload: true,
        success: () => resolve(created),
        error: (error) => {
          if (!opened.connection) return reject(sessionError(String(error), options.coreToken))
          const failure = new CallportError('CONNECTION_FAILED', `Janus session: ${String(error)}`, { provider: JANUS_PROVIDER, retryable: true })
          if (opened.joined) opened.connection.#end('connection-lost', failure)
          else failJoin(failure)
        },
      })
    })
    const connection = new JanusConnection(options, session)
    opened.connection = connection
    try {
      await Promise.race([connection.#join(), lostWhileJoining])
      opened.joined = true
      setTimeout(() => {
        connection.#started = true
        connection.#next()
      }, 0)
      connection.#monitor()
      return connection
    } catch (error) {
      await connection.disconnect()
      throw error
    }
  }

  async #join(): Promise<void> {
    const { coreToken, room, local } = this.#options
    this.#subscriber = await attachVideoRoom(
      this.#session,
      {
        onmessage: (message, jsep) => this.#onSubscriberMessage(message, jsep),
        onremotetrack: (track, mid, on) => this.#onRemoteTrack(track, mid, on),
        iceState: (state) => this.#onIceState(state, 'subscriber'),
      },
      coreToken,
    )
    if (!this.#options.publish) {
      // Not a VideoRoom participant (only publishers' room tokens are allowed to join as publishers),
      // so no events about publishers reach it: it lists them (listparticipants) now and every few seconds.
      const roster = await attachVideoRoom(this.#session, {}, coreToken)
      await this.#listPublishers(roster, false)
      const poll = () => {
        this.#rosterTimer = setTimeout(() => void this.#listPublishers(roster, true).finally(() => !this.#closed && poll()), ROSTER_INTERVAL_MS)
      }
      poll()
      return
    }
    const display = encodeJanusDisplay({ identity: local.identity, ...(local.name === undefined ? {} : { name: local.name }) })
    this.#publisher = await Publisher.join({
      session: this.#session,
      coreToken,
      roomToken: this.#options.roomToken,
      room,
      display,
      onmessage: (message) => this.#onPublisherMessage(message),
      iceState: (state) => this.#onIceState(state, 'publisher'),
      webrtcState: (up) => this.#onPublisherWebrtcState(up),
    })
    this.#onPublisherMessage(this.#publisher.joined)
    await this.#startMedia()
  }

  /** Publishes the page's tracks of the requested kinds and captures the requested kinds it holds none of. */
  async #startMedia(): Promise<void> {
    const { audio, video, tracks } = this.#options
    const missing: TrackKind[] = []
    const publish: LocalTrack[] = []
    for (const kind of ['audio', 'video'] as const) {
      const given = tracks.find((track) => track.kind === kind && track.mediaStreamTrack.readyState === 'live')
      if (given) this.#given.set(sourceOfKind[kind], given)
      if (!(kind === 'audio' ? audio : video)) continue
      if (given) {
        this.#put(sourceOfKind[kind], { track: given, owned: false })
        publish.push(given)
      } else missing.push(kind)
    }
    if (missing.length > 0) {
      const captured = await captureUserMedia({ audio: missing.includes('audio'), video: missing.includes('video') }, { provider: JANUS_PROVIDER })
      for (const track of captured) this.#put(track.source as DeviceSource, { track, owned: true })
      publish.push(...captured)
    }
    // A data channel always: the page has its link to Janus (and is listed as a publisher) even when it sends no media yet.
    await this.#publisher!.publish(
      publish.map((track) => track.mediaStreamTrack),
      { data: true },
    )
    await this.#announceStreams()
    for (const track of publish) this.emit('local-track-published', { track })
  }

  /** The display of this page's camera publisher: identity, name and (for subscriber-only pages) the streams it sends. */
  async #announceStreams(): Promise<void> {
    const publisher = this.#publisher
    if (!publisher || this.#closed) return
    const { local } = this.#options
    const streams: DisplayedStream[] = (publisher.handle.getLocalTracks() ?? []).flatMap(({ mid, type, id }) => {
      if (mid === undefined || (type !== 'audio' && type !== 'video')) return []
      const sent = [...this.#media.values()].find(({ track }) => track.mediaStreamTrack.id === id)
      return [{ mid, type, muted: sent ? !sent.track.mediaStreamTrack.enabled : false }]
    })
    const display = JSON.stringify({ identity: local.identity, ...(local.name === undefined ? {} : { name: local.name }), streams })
    await publisher.setDisplay(display)
  }

  /** Adds the publishers `listparticipants` lists that are new, removes those no longer listed. */
  async #listPublishers(handle: JanusJsPluginHandle, announce: boolean): Promise<void> {
    const answer = await new Promise<JanusJsMessage | undefined>((resolve) =>
      handle.send({
        message: { request: 'listparticipants', room: this.#options.room },
        success: (data) => resolve(data as JanusJsMessage | undefined),
        error: () => resolve(undefined),
      }),
    )
    const listed = answer?.participants as Array<{ id: number; display?: string; publisher?: boolean }> | undefined
    if (!listed || this.#closed) return
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
    for (const id of [...this.#feeds.keys()]) if (!publishing.some((participant) => participant.id === id)) this.#removeFeed(id, answer)
  }

  #onPublisherMessage(message: JanusJsMessage): void {
    if (this.#closed) return
    const publishers = message.publishers as Array<{ id: number; display?: string }> | undefined
    // Those listed in `joined` were there before: participants of the room, not announced as joining.
    const announce = message.videoroom !== 'joined'
    for (const publisher of publishers ?? []) this.#addFeed(publisher.id, publisher.display, publisher, announce)
    const gone = [message.unpublished, message.leaving, message.kicked].find((value) => typeof value === 'number')
    if (typeof gone === 'number') this.#removeFeed(gone, message)
    if (message.videoroom === 'talking' || message.videoroom === 'stopped-talking') this.#onTalking(message)
    if (message.moderation !== undefined && message.id === this.#publisher?.id) void this.#onModerated(message)
    else if (message.moderation !== undefined && typeof message.mid === 'string') {
      const feed = this.#feeds.get(message.id as number)
      const mid = message.mid
      if (feed) this.#setMuted(feed, () => (message.moderation === 'muted' ? feed.moderated.add(mid) : feed.moderated.delete(mid)), message)
    }
    if (message.leaving === 'ok' || message.videoroom === 'destroyed') this.#end(message.videoroom === 'destroyed' ? 'room-closed' : 'removed')
  }

  /** VideoRoom's `talking` / `stopped-talking` (sent to every publisher, the speaker included). */
  #onTalking(message: JanusJsMessage): void {
    const participant =
      message.id === this.#publisher?.id
        ? this.localParticipant
        : (() => {
            const feed = this.#feeds.get(message.id as number)
            // A screen share's audio is not someone speaking.
            return feed && feed.display.source !== 'screen' ? this.#participantOf(feed.display) : undefined
          })()
    if (!participant) return
    if (message.videoroom === 'talking') this.#talking.set(participant.identity, { participant, level: speakerLevelOfDbov(message['audio-level-dBov-avg']) })
    else this.#talking.delete(participant.identity)
    this.#emitSpeakers([...this.#talking.values()], message)
  }

  #emitSpeakers(speakers: ActiveSpeaker[], raw?: unknown): void {
    const sorted = [...speakers].sort((a, b) => b.level - a.level || (a.participant.identity < b.participant.identity ? -1 : 1))
    const key = JSON.stringify(sorted.map((speaker) => speaker.participant.identity))
    if (key === this.#reportedSpeakers) return
    this.#reportedSpeakers = key
    this.emit('active-speakers-changed', { speakers: sorted, ...(raw === undefined ? {} : { raw }) })
  }

  /** A moderator muted one of this page's streams (VideoRoom `moderate` on its mid): Janus stops relaying it. */
  async #onModerated(message: JanusJsMessage): Promise<void> {
    const kind = this.#publisher?.kindOfMid(message.mid)
    if (!kind) return
    if (message.moderation !== 'muted') {
      this.#moderated.delete(kind)
      return
    }
    this.#moderated.add(kind)
    // The page shows it off, as the others now get nothing of it.
    await this.#setEnabled(kind, false).catch(() => undefined)
    if (!this.#closed) this.emit('muted-by-moderator', { kind, raw: message })
  }

  #participantOf(display: JanusDisplay): Participant {
    return { identity: display.identity, role: 'publisher', ...(display.name === undefined ? {} : { name: display.name }) }
  }

  /**
   * A publisher VideoRoom listed: a new feed is subscribed to (all its streams); a known one that
   * publishes more streams now (a camera turned on after the microphone: a renegotiation) gets those added.
   */
  #addFeed(id: number, display: string | undefined, raw: unknown, announce: boolean): void {
    const decoded = decodeJanusDisplay(display)
    // Callport wrote every display; a feed without one (the server half's own short join) is not a participant.
    if (!decoded || decoded.identity === this.localParticipant.identity) return
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
    if (!known && announce) this.emit('participant-joined', { participant: this.#participantOf(decoded), raw })
    this.#wanted.push({ feed: id })
    this.#next()
  }

  #removeFeed(id: number, raw: unknown): void {
    const feed = this.#feeds.get(id)
    if (!feed) return
    this.#feeds.delete(id)
    const participant = this.#participantOf(feed.display)
    for (const [mid, stream] of this.#streams)
      if (stream.feed === id) {
        this.#streams.delete(mid)
        if (stream.track) {
          this.emit('track-unsubscribed', { participant, track: stream.track, raw })
          stream.track.detach()
        }
      }
    if (![...this.#feeds.values()].some((other) => other.display.identity === feed.display.identity)) {
      if (this.#talking.delete(feed.display.identity)) this.#emitSpeakers([...this.#talking.values()])
      this.emit('participant-left', { participant, raw })
    }
  }

  #next(): void {
    if (this.#subscribing || this.#closed || !this.#started || !this.#subscriber) return
    const wanted = this.#wanted.shift()
    if (wanted === undefined) return
    const { feed, mids, unsubscribe } = wanted
    if (!this.#feeds.has(feed) || (unsubscribe && !this.#subscriberJoined)) return this.#next()
    this.#subscribing = true
    const streams = mids ? mids.map((mid) => ({ feed, mid })) : [{ feed }]
    const { room, roomToken } = this.#options
    this.#subscriber.send({
      message: !this.#subscriberJoined
        ? { request: 'join', room, ptype: 'subscriber', streams, token: roomToken }
        : unsubscribe
          ? { request: 'update', unsubscribe: streams }
          : { request: 'update', subscribe: streams },
    })
    this.#subscriberJoined = true
  }

  #onSubscriberMessage(message: JanusJsMessage, jsep: JanusJsJsep | undefined): void {
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
      this.#subscriber!.createAnswer({
        jsep,
        // Receive only: a data entry keeps janus.js from capturing anything for the answer.
        tracks: [{ type: 'data', capture: false }],
        success: (answer) => {
          this.#subscriber!.send({ message: { request: 'start' }, jsep: answer })
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
    const transceivers = peerConnectionOf(this.#subscriber)?.getTransceivers() ?? []
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
    this.emit('track-unsubscribed', { participant: this.#participantOf(feed.display), track: stream.track, raw })
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
    const participant = this.#participantOf(feed.display)
    for (const [stream, muted] of before) {
      const now = this.#isMuted(feed, stream.feedMid!)
      if (now !== muted && stream.track) this.emit(now ? 'track-muted' : 'track-unmuted', { participant, track: stream.track, raw })
    }
  }

  #onRemoteTrack(track: MediaStreamTrack, mid: string, on: boolean): void {
    const stream = this.#streams.get(mid)
    const feed = stream && this.#feeds.get(stream.feed)
    if (!stream || !feed) return
    const participant = this.#participantOf(feed.display)
    if (on && !stream.track) {
      // janus.js calls onremotetrack more than once per stream: the first announces it.
      stream.track = new JanusRemoteTrack(track, stream.source, mid)
      this.emit('track-subscribed', { participant, track: stream.track })
      // Muted already (turned off, or by a moderator): said right after it is announced.
      if (stream.feedMid !== undefined && this.#isMuted(feed, stream.feedMid)) this.emit('track-muted', { participant, track: stream.track })
    } else if (!on && stream.track && stream.track.mediaStreamTrack.readyState === 'ended') {
      const gone = stream.track
      stream.track = undefined
      this.emit('track-unsubscribed', { participant, track: gone })
      gone.detach()
    }
  }

  /** An ICE failure on any handle is a lost call (janus.js does not restart ICE by itself). */
  #onIceState(state: string, handle: 'publisher' | 'subscriber' | 'screen'): void {
    if (state === 'failed')
      this.#end('connection-lost', new CallportError('CONNECTION_FAILED', `ICE failed on the ${handle} connection to Janus`, { provider: JANUS_PROVIDER, retryable: true }))
  }

  /** The camera publisher's peer connection went down: lost, unless a `leaving` (kicked) or a `destroyed` follows within the grace. */
  #onPublisherWebrtcState(up: boolean): void {
    clearTimeout(this.#hangupTimer)
    if (up || this.#closed) return
    this.#hangupTimer = setTimeout(
      () => this.#end('connection-lost', new CallportError('CONNECTION_FAILED', 'Janus hung up the publisher connection', { provider: JANUS_PROVIDER, retryable: true })),
      HANGUP_GRACE_MS,
    )
  }

  /** Connection quality (getStats of the peer connections) and, on a subscriber-only page, active speakers measured from the audio received. */
  #monitor(): void {
    const subscriberPc = () => peerConnectionOf(this.#subscriber)
    const views = new Map<string, ReturnType<typeof filteredPeerConnection>>()
    // The remote participants' views of the subscriber connection share one getStats per poll.
    let shared = { at: 0 } as Parameters<typeof filteredPeerConnection>[1]
    let sharedFor: RTCPeerConnection | undefined
    this.#stopMonitors.push(
      monitorConnectionQuality({
        sources: () => {
          const sources = []
          const mine = [this.#publisher?.peerConnection, subscriberPc()].filter((pc): pc is RTCPeerConnection => pc !== undefined)
          for (const peerConnection of mine) sources.push({ participant: this.localParticipant, local: true, peerConnection })
          const pc = subscriberPc()
          if (pc) {
            for (const participant of this.participants()) {
              let view = views.get(participant.identity)
              if (sharedFor !== pc) {
                sharedFor = pc
                shared = { at: 0 }
              }
              if (!view || view.target !== pc) views.set(participant.identity, (view = filteredPeerConnection(pc, shared)))
              view.tracks = new Set(this.#tracksOf(participant.identity))
              sources.push({ participant, local: false, peerConnection: view })
            }
          }
          return sources
        },
        onChange: (change) => this.emit('connection-quality-changed', change),
      }),
    )
    if (this.#options.publish) return
    this.#stopMonitors.push(
      monitorActiveSpeakers({
        sources: () =>
          (subscriberPc()?.getTransceivers() ?? []).flatMap((transceiver) => {
            const stream = transceiver.mid === null ? undefined : this.#streams.get(transceiver.mid)
            const feed = stream && stream.source === 'microphone' ? this.#feeds.get(stream.feed) : undefined
            return feed ? [{ participant: this.#participantOf(feed.display), receiver: transceiver.receiver }] : []
          }),
        onChange: (speakers) => this.#emitSpeakers(speakers),
      }),
    )
  }

  /** The mids and track ids this page receives from `identity`. */
  #tracksOf(identity: string): string[] {
    const ids: string[] = []
    for (const [mid, stream] of this.#streams)
      if (this.#feeds.get(stream.feed)?.display.identity === identity) {
        ids.push(mid)
        if (stream.track) ids.push(stream.track.mediaStreamTrack.id)
      }
    return ids
  }

  participants(): Participant[] {
    const byIdentity = new Map<string, Participant>()
    for (const feed of this.#feeds.values()) byIdentity.set(feed.display.identity, this.#participantOf(feed.display))
    return [...byIdentity.values()]
  }

  /** The camera, microphone and screen this page publishes (a camera or microphone turned off stays listed: it stays published, disabled). */
  localTracks(): LocalTrack[] {
    return [...[...this.#media.values()].map(({ track }) => track), ...(this.#screen?.publisher ? this.#screen.tracks : [])]
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    await this.#setEnabled('audio', enabled)
  }

  async setCameraEnabled(enabled: boolean): Promise<void> {
    await this.#setEnabled('video', enabled)
  }

  async #setEnabled(kind: TrackKind, enabled: boolean): Promise<void> {
    if (this.#closed) return
    const publisher = this.#publisher
    if (!publisher) {
      if (enabled) throw new CallportError('FORBIDDEN', `A subscriber publishes no media: cannot turn the ${sourceOfKind[kind]} on`, { provider: JANUS_PROVIDER })
      return
    }
    const source = sourceOfKind[kind]
    const current = this.#media.get(source)
    if (current) {
      if (enabled && this.#moderated.has(kind)) {
        // VideoRoom relays nothing of a moderated stream until a moderator lifts it: publish the track again as a new stream.
        await publisher.republish(current.track.mediaStreamTrack)
        this.#moderated.delete(kind)
      }
      // janus.js's mute: the track is disabled (silence, black frames) and stays published; the
      // stream's description tells the others (track-muted / track-unmuted on their pages).
      const { handle } = publisher
      if (kind === 'audio') {
        if (enabled) handle.unmuteAudio()
        else handle.muteAudio()
      } else if (enabled) handle.unmuteVideo()
      else handle.muteVideo()
      await publisher.describe(current.track.mediaStreamTrack, enabled ? LIVE_DESCRIPTION : MUTED_DESCRIPTION)
      await this.#announceStreams()
      return
    }
    if (!enabled) return
    const given = this.#given.get(source)
    const entry =
      given?.mediaStreamTrack.readyState === 'live' && this.#devices[source] === undefined
        ? { track: given, owned: false }
        : { track: await this.#capture(source), owned: true }
    if (this.#closed || this.#media.has(source)) {
      if (entry.owned) entry.track.stop()
      return
    }
    this.#put(source, entry)
    try {
      await publisher.publish([entry.track.mediaStreamTrack])
      await this.#announceStreams()
    } catch (error) {
      this.#media.delete(source)
      if (entry.owned) entry.track.stop()
      throw error
    }
    this.emit('local-track-published', { track: entry.track })
  }

  /** Captures the camera or microphone: the device `switchDevice` chose (exact), or `deviceId`, else the default. */
  async #capture(source: DeviceSource, deviceId = this.#devices[source]): Promise<LocalTrack> {
    const kind: TrackKind = source === 'camera' ? 'video' : 'audio'
    const [track] = await captureUserMedia({ [kind]: deviceId === undefined ? true : { deviceId } }, { provider: JANUS_PROVIDER })
    return track!
  }

  /** Makes `entry` the published track of `source`, watching for its device going away. */
  #put(source: DeviceSource, entry: { track: LocalTrack; owned: boolean }): void {
    this.#media.set(source, entry)
    entry.track.mediaStreamTrack.addEventListener('ended', () => void this.#unplugged(source, entry).catch(() => undefined), { once: true })
  }

  /**
   * Captures from another camera or microphone and sends it instead (janus.js `replaceTracks`: the
   * same sender, no renegotiation; the others keep receiving the same track). The previous capture is
   * stopped (the page's own track is left alone). DEVICE_NOT_FOUND for an unknown device.
   */
  async switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (kind === 'speaker')
      throw new CallportError('INVALID_INPUT', 'The session switches the speaker itself (setSinkId): the Janus adapter switches cameras and microphones', {
        provider: JANUS_PROVIDER,
      })
    if (this.#closed) return
    const current = this.#media.get(kind)
    const publisher = this.#publisher
    if (current && publisher) {
      const track = await this.#capture(kind, deviceId)
      await this.#replace(kind, current, { track, owned: true }).catch((error: unknown) => {
        track.stop()
        throw error
      })
    } else {
      // Nothing sent for it: check the device exists; the next capture uses it.
      ;(await this.#capture(kind, deviceId)).stop()
    }
    this.#devices[kind] = deviceId
    this.emit('active-device-changed', { kind, deviceId, reason: 'switched' })
  }

  /** Sends `next` instead of `current` for `source` (kept disabled when it was), and announces the change. */
  async #replace(source: DeviceSource, current: { track: LocalTrack; owned: boolean }, next: { track: LocalTrack; owned: boolean }): Promise<void> {
    next.track.mediaStreamTrack.enabled = current.track.mediaStreamTrack.enabled
    await this.#publisher!.replace(current.track.mediaStreamTrack, next.track.mediaStreamTrack)
    if (this.#closed || this.#media.get(source) !== current) {
      next.track.stop()
      return
    }
    this.#put(source, next)
    if (current.owned) current.track.stop()
    this.emit('local-track-unpublished', { track: current.track })
    this.emit('local-track-published', { track: next.track })
  }

  /** The device behind a published camera or microphone went away: the default device takes over. */
  async #unplugged(source: DeviceSource, entry: { track: LocalTrack; owned: boolean }): Promise<void> {
    if (this.#closed || this.#media.get(source) !== entry) return
    delete this.#devices[source]
    const fallback = await this.#capture(source, undefined)
    await this.#replace(source, entry, { track: fallback, owned: true })
    if (this.#media.get(source)?.track === fallback) this.emit('active-device-changed', { kind: source, deviceId: 'default', reason: 'unplugged' })
  }

  /**
   * Shares a screen as a second VideoRoom publisher of this participant (display source `screen`):
   * the others receive its video as a `screen` track (and its audio as `screen-audio`). The browser's
   * own "Stop sharing" stops it too.
   */
  async setScreenShareEnabled(enabled: boolean, options: ScreenShareOptions = {}): Promise<void> {
    if (this.#closed) return
    if (!enabled) return this.#stopScreenShare()
    if (this.#screen) return
    if (!this.#publisher) throw new CallportError('FORBIDDEN', 'A subscriber publishes no media: cannot share a screen', { provider: JANUS_PROVIDER })
    const screen: { publisher?: Publisher; tracks: LocalTrack[] } = { tracks: [] }
    this.#screen = screen
    try {
      screen.tracks = await captureDisplayMedia({ audio: options.audio === true }, { provider: JANUS_PROVIDER })
      const { local, coreToken, roomToken, room } = this.#options
      const publisher = await Publisher.join({
        session: this.#session,
        coreToken,
        roomToken,
        room,
        display: encodeJanusDisplay({ identity: local.identity, ...(local.name === undefined ? {} : { name: local.name }), source: 'screen' }),
        iceState: (state) => this.#onIceState(state, 'screen'),
      })
      screen.publisher = publisher
      if (this.#screen !== screen) throw new CallportError('ABORTED', 'The screen share was stopped while it started', { provider: JANUS_PROVIDER })
      await publisher.publish(screen.tracks.map((track) => track.mediaStreamTrack))
    } catch (error) {
      if (this.#screen === screen) this.#screen = undefined
      for (const track of screen.tracks) track.stop()
      await screen.publisher?.leave()
      throw error
    }
    const video = screen.tracks.find((track) => track.kind === 'video')
    video?.mediaStreamTrack.addEventListener('ended', () => this.#screen === screen && void this.#stopScreenShare(), { once: true })
    for (const track of screen.tracks) this.emit('local-track-published', { track })
  }

  async #stopScreenShare(): Promise<void> {
    const screen = this.#screen
    if (!screen) return
    this.#screen = undefined
    const published = screen.publisher !== undefined
    await screen.publisher?.leave()
    for (const track of screen.tracks) {
      track.stop()
      if (published) this.emit('local-track-unpublished', { track })
    }
  }

  /** Ends the call from Janus's side (session lost, kicked, room destroyed): `disconnected` with the reason. */
  #end(reason: 'connection-lost' | 'removed' | 'room-closed', error?: CallportError): void {
    if (this.#closed) return
    void this.disconnect().then(() => this.emit('disconnected', { reason, ...(error ? { error } : {}) }))
  }

  async disconnect(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearTimeout(this.#rosterTimer)
    clearTimeout(this.#hangupTimer)
    for (const stop of this.#stopMonitors.splice(0)) stop()
    for (const feed of [...this.#feeds.keys()]) this.#removeFeed(feed, undefined)
    const screen = this.#screen
    this.#screen = undefined
    for (const track of screen?.tracks ?? []) track.stop()
    await new Promise<void>((resolve) => this.#session.destroy({ cleanupHandles: true, success: () => resolve(), error: () => resolve() }))
    for (const { track, owned } of this.#media.values()) if (owned) track.stop()
  }
}
