import { CallportError, EventEmitter, type ClientConnection, type ConnectionEvents, type Participant, type TrackSource } from '@callport/core'
import { decodeJanusDisplay, encodeJanusDisplay, type JanusDisplay } from '../shared/connect-parameters'
import { JANUS_PROVIDER } from '../shared/provider-id'
import type { JanusJs, JanusJsAttachOptions, JanusJsJsep, JanusJsMessage, JanusJsPluginHandle, JanusJsSession, JanusJsTrackOption } from './janus-js-types'
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
  /** MediaStreamTracks to publish instead of capturing (a preview the page made and keeps owning). */
  tracks: MediaStreamTrack[]
}

/** A publisher in the room, as VideoRoom lists it. */
interface Feed {
  id: number
  display: JanusDisplay
  raw: unknown
}

/** One subscribed stream: its feed, and its track once janus.js gave it. */
interface Subscribed {
  feed: number
  source: TrackSource
  track?: JanusRemoteTrack
}

/** How often a subscriber lists the room's publishers. */
const ROSTER_INTERVAL_MS = 2_000

const attach = (janus: JanusJsSession, callbacks: Omit<JanusJsAttachOptions, 'plugin' | 'success' | 'error'>, token: string) =>
  new Promise<JanusJsPluginHandle>((resolve, reject) =>
    janus.attach({
      plugin: 'janus.plugin.videoroom',
      token,
      ...callbacks,
      success: resolve,
      error: (error) => reject(new CallportError('CONNECTION_FAILED', `Janus refused to attach to the VideoRoom: ${error}`, { provider: JANUS_PROVIDER })),
    }),
  )

/** A VideoRoom error as a CallportError: Janus's unauthorized codes (433 in VideoRoom, 403 in the core) are UNAUTHORIZED. */
function errorOf(message: JanusJsMessage): CallportError {
  const code = message.error_code === 433 || message.error_code === 403 ? 'UNAUTHORIZED' : message.error_code === 426 ? 'ROOM_NOT_FOUND' : 'CONNECTION_FAILED'
  return new CallportError(code, `Janus VideoRoom: ${message.error ?? 'error'} (${String(message.error_code)})`, { provider: JANUS_PROVIDER })
}

/**
 * One page's call on Janus's VideoRoom: a publisher handle that joins with the participant's
 * `display` and publishes the camera and microphone, and one subscriber handle (VideoRoom's
 * multistream API) that subscribes to every other publisher's streams, one request at a time
 * (`join` with `streams`, then `update` with `subscribe`, each offer answered with `start`).
 */
export class JanusConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant: Participant
  readonly #options: JanusConnectionOptions
  readonly #session: JanusJsSession
  #publisher: JanusJsPluginHandle | undefined
  #subscriber: JanusJsPluginHandle | undefined
  readonly #feeds = new Map<number, Feed>()
  readonly #streams = new Map<string, Subscribed>()
  /** Feeds waiting for the subscriber handle; one request at a time. */
  readonly #wanted: number[] = []
  #subscribing = false
  #subscriberJoined = false
  /** Subscribing starts once `connect` returned, so that the session listens before the first track is announced. */
  #started = false
  #closed = false
  /** For a subscriber (a token that may not publish): the timer that lists the room's publishers. */
  #rosterTimer: ReturnType<typeof setTimeout> | undefined

  private constructor(options: JanusConnectionOptions, session: JanusJsSession) {
    super()
    this.#options = options
    this.#session = session
    this.localParticipant = options.local
  }

  /** The janus.js session and handles behind this connection (outside the contract). */
  get vendor(): { session: JanusJsSession; publisher: JanusJsPluginHandle | undefined; subscriber: JanusJsPluginHandle | undefined } {
    return { session: this.#session, publisher: this.#publisher, subscriber: this.#subscriber }
  }

  /** Opens the Janus session, joins the room (publishing when the token allows) and subscribes to the publishers there. */
  static async open(options: JanusConnectionOptions): Promise<JanusConnection> {
    // The session's error callback outlives the join: once joined, a lost session ends the connection.
    const opened: { connection?: JanusConnection } = {}
    const session = await new Promise<JanusJsSession>((resolve, reject) => {
      const created: JanusJsSession = new options.Janus({
        server: options.server,
        // Always given: janus.js's default is a public STUN server.
        iceServers: options.iceServers,
        token: options.coreToken,
        destroyOnUnload: true,
        success: () => resolve(created),
        error: (error) => {
          const failure = new CallportError('CONNECTION_FAILED', `Janus session: ${String(error)}`, { provider: JANUS_PROVIDER, retryable: true })
          if (opened.connection) opened.connection.#end('connection-lost', failure)
          else reject(failure)
        },
      })
    })
    const connection = new JanusConnection(options, session)
    opened.connection = connection
    try {
      await connection.#join()
      setTimeout(() => {
        connection.#started = true
        connection.#next()
      }, 0)
      return connection
    } catch (error) {
      await connection.disconnect()
      throw error
    }
  }

  async #join(): Promise<void> {
    const { roomToken, room, local } = this.#options
    this.#subscriber = await attach(
      this.#session,
      { onmessage: (message, jsep) => this.#onSubscriberMessage(message, jsep), onremotetrack: (track, mid, on) => this.#onRemoteTrack(track, mid, on) },
      this.#options.coreToken,
    )
    if (!this.#options.publish) {
      // Not a VideoRoom participant (only publishers' room tokens are allowed to join as publishers),
      // so no events about publishers reach it: it lists them (listparticipants) now and every few seconds.
      const roster = await attach(this.#session, {}, this.#options.coreToken)
      await this.#listPublishers(roster, false)
      const poll = () => {
        this.#rosterTimer = setTimeout(() => void this.#listPublishers(roster, true).finally(() => !this.#closed && poll()), ROSTER_INTERVAL_MS)
      }
      poll()
      return
    }
    const display = encodeJanusDisplay({ identity: local.identity, ...(local.name === undefined ? {} : { name: local.name }) })
    await new Promise<void>((resolve, reject) => {
      void attach(
        this.#session,
        {
          onmessage: (message, jsep) => {
            if (message.error) return reject(errorOf(message))
            if (message.videoroom === 'joined') this.#publish().catch(reject)
            this.#onPublisherMessage(message)
            if (jsep)
              this.#publisher!.handleRemoteJsep({
                jsep,
                success: () => resolve(),
                error: (error) => reject(new CallportError('CONNECTION_FAILED', error, { provider: JANUS_PROVIDER })),
              })
          },
        },
        this.#options.coreToken,
      ).then((handle) => {
        this.#publisher = handle
        handle.send({ message: { request: 'join', room, ptype: 'publisher', display, token: roomToken } })
      }, reject)
    })
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
    for (const participant of publishing) this.#addFeed(participant.id, participant.display, participant, announce)
    for (const id of [...this.#feeds.keys()]) if (!publishing.some((participant) => participant.id === id)) this.#removeFeed(id, answer)
  }

  #publish(): Promise<void> {
    const { audio, video, tracks } = this.#options
    const given = (kind: 'audio' | 'video') => tracks.find((track) => track.kind === kind)
    const option = (kind: 'audio' | 'video', wanted: boolean): JanusJsTrackOption[] => {
      const track = given(kind)
      if (track) return [{ type: kind, capture: track, recv: false, dontStop: true }]
      return wanted ? [{ type: kind, capture: true, recv: false }] : []
    }
    const offerTracks = [...option('audio', audio), ...option('video', video)]
    return new Promise((resolve, reject) =>
      this.#publisher!.createOffer({
        tracks: offerTracks,
        success: (jsep) => {
          this.#publisher!.send({ message: { request: 'publish' }, jsep })
          resolve()
        },
        error: (error) => reject(new CallportError('CONNECTION_FAILED', `Publishing to Janus: ${error.message}`, { provider: JANUS_PROVIDER, cause: error })),
      }),
    )
  }

  #onPublisherMessage(message: JanusJsMessage): void {
    const publishers = message.publishers as Array<{ id: number; display?: string }> | undefined
    // Those listed in `joined` were there before: participants of the room, not announced as joining.
    const announce = message.videoroom !== 'joined'
    for (const publisher of publishers ?? []) this.#addFeed(publisher.id, publisher.display, publisher, announce)
    const gone = [message.unpublished, message.leaving, message.kicked].find((value) => typeof value === 'number')
    if (typeof gone === 'number') this.#removeFeed(gone, message)
    if (message.leaving === 'ok' || message.videoroom === 'destroyed') this.#end(message.videoroom === 'destroyed' ? 'room-closed' : 'removed')
  }

  #participantOf(display: JanusDisplay): Participant {
    return { identity: display.identity, role: 'publisher', ...(display.name === undefined ? {} : { name: display.name }) }
  }

  #addFeed(id: number, display: string | undefined, raw: unknown, announce: boolean): void {
    const decoded = decodeJanusDisplay(display)
    // Callport wrote every display; a feed without one (the server half's own short join) is not a participant.
    if (!decoded || this.#feeds.has(id) || decoded.identity === this.localParticipant.identity) return
    const known = [...this.#feeds.values()].some((feed) => feed.display.identity === decoded.identity)
    this.#feeds.set(id, { id, display: decoded, raw })
    if (!known && announce) this.emit('participant-joined', { participant: this.#participantOf(decoded), raw })
    this.#wanted.push(id)
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
    if (![...this.#feeds.values()].some((other) => other.display.identity === feed.display.identity)) this.emit('participant-left', { participant, raw })
  }

  #next(): void {
    if (this.#subscribing || this.#closed || !this.#started || !this.#subscriber) return
    const feed = this.#wanted.shift()
    if (feed === undefined) return
    if (!this.#feeds.has(feed)) return this.#next()
    this.#subscribing = true
    const streams = [{ feed }]
    const { room, roomToken } = this.#options
    this.#subscriber.send({
      message: this.#subscriberJoined ? { request: 'update', subscribe: streams } : { request: 'join', room, ptype: 'subscriber', streams, token: roomToken },
    })
    this.#subscriberJoined = true
  }

  #onSubscriberMessage(message: JanusJsMessage, jsep: JanusJsJsep | undefined): void {
    const streams = message.streams as Array<{ mid: string; type: string; feed_id?: number; feed_display?: string }> | undefined
    for (const stream of streams ?? [])
      if (stream.feed_id !== undefined && !this.#streams.has(stream.mid)) {
        const screen = decodeJanusDisplay(stream.feed_display)?.source === 'screen'
        const source: TrackSource = stream.type === 'audio' ? (screen ? 'screen-audio' : 'microphone') : stream.type === 'video' ? (screen ? 'screen' : 'camera') : 'unknown'
        this.#streams.set(stream.mid, { feed: stream.feed_id, source })
      }
    if (jsep)
      this.#subscriber!.createAnswer({
        jsep,
        // Receive only: a data entry keeps janus.js from capturing anything for the answer.
        tracks: [{ type: 'data', capture: false }],
        success: (answer) => this.#subscriber!.send({ message: { request: 'start' }, jsep: answer }),
        error: () => this.#release(),
      })
    if (message.started === 'ok' || message.error || (message.videoroom === 'updated' && !jsep)) this.#release()
  }

  #release(): void {
    this.#subscribing = false
    this.#next()
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
    } else if (!on && stream.track && stream.track.mediaStreamTrack.readyState === 'ended') {
      const gone = stream.track
      stream.track = undefined
      this.emit('track-unsubscribed', { participant, track: gone })
      gone.detach()
    }
  }

  participants(): Participant[] {
    const byIdentity = new Map<string, Participant>()
    for (const feed of this.#feeds.values()) byIdentity.set(feed.display.identity, this.#participantOf(feed.display))
    return [...byIdentity.values()]
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    if (enabled) this.#publisher?.unmuteAudio()
    else this.#publisher?.muteAudio()
  }

  async setCameraEnabled(enabled: boolean): Promise<void> {
    if (enabled) this.#publisher?.unmuteVideo()
    else this.#publisher?.muteVideo()
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
    for (const feed of [...this.#feeds.keys()]) this.#removeFeed(feed, undefined)
    await new Promise<void>((resolve) => this.#session.destroy({ cleanupHandles: true, success: () => resolve(), error: () => resolve() }))
  }
}
