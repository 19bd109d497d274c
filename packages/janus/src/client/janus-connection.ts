import {
  CallportError,
  EventEmitter,
  type ClientConnection,
  type ConnectionEvents,
  type DeviceKind,
  type LocalTrack,
  type Participant,
  type ScreenShareOptions,
} from '@callport/core'
import { encodeJanusDisplay } from '../shared/connect-parameters'
import { JANUS_PROVIDER } from '../shared/provider-id'
import { ActiveSpeakers } from './active-speakers'
import type { JanusJs, JanusJsMessage, JanusJsPluginHandle, JanusJsSession } from './janus-js-types'
import { LocalMedia } from './local-media'
import { Publisher } from './publisher'
import { monitorCallQuality } from './quality'
import { Roster } from './roster'
import { ScreenShare } from './screen-share'
import { Subscription } from './subscription'

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
 * One page's call on Janus's VideoRoom: the session, its lifecycle and the call surface, over parts
 * that each do one job:
 * - a camera publisher handle ({@link Publisher}) that joins with the participant's `display`, with
 *   {@link LocalMedia} publishing the camera and microphone on it (captured by the adapter or the
 *   page's tracks; turned off = published, disabled, described `callport:muted`; `switchDevice`,
 *   unplugged fallback, a moderator's mute → `muted-by-moderator`);
 * - {@link ScreenShare}: a second publisher handle (display source `screen`) while a screen is shared;
 * - {@link Subscription}: one subscriber handle (VideoRoom's multistream API) that subscribes to every
 *   other publisher's streams one request at a time and announces participants, tracks and their mute
 *   state; a subscriber-only page, which VideoRoom tells nothing, lists the publishers ({@link Roster});
 * - {@link ActiveSpeakers} (VideoRoom `talking` events, or the audio a subscriber-only page receives)
 *   and connection quality from getStats of the peer connections ({@link monitorCallQuality}).
 *
 * A lost Janus session, an ICE failure or a publisher connection that goes down ends the call as
 * `connection-lost` (the session joins again with a fresh token); being kicked is `removed`, the
 * room destroyed `room-closed`.
 */
export class JanusConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant: Participant
  readonly #options: JanusConnectionOptions
  readonly #session: JanusJsSession
  #publisher: Publisher | undefined
  readonly #media: LocalMedia
  readonly #screen: ScreenShare
  readonly #subscription: Subscription
  /** For a subscriber (a token that may not publish): lists the room's publishers. */
  #roster: Roster | undefined
  #closed = false
  #hangupTimer: ReturnType<typeof setTimeout> | undefined
  readonly #speakers = new ActiveSpeakers(this)
  #stopQuality: (() => void) | undefined

  private constructor(options: JanusConnectionOptions, session: JanusJsSession) {
    super()
    this.#options = options
    this.#session = session
    this.localParticipant = options.local
    this.#subscription = new Subscription(
      { room: options.room, roomToken: options.roomToken, localIdentity: options.local.identity },
      {
        events: this,
        closed: () => this.#closed,
        left: (identity) => this.#speakers.left(identity),
        iceState: (state) => this.#onIceState(state, 'subscriber'),
      },
    )
    this.#media = new LocalMedia(options, { events: this, publisher: () => this.#publisher, closed: () => this.#closed })
    const { coreToken, roomToken, room, local } = options
    this.#screen = new ScreenShare({ session, coreToken, roomToken, room, local, events: this, iceState: (state) => this.#onIceState(state, 'screen') })
  }

  /** The janus.js session and handles behind this connection (outside the contract). */
  get vendor(): JanusVendorObject {
    return { session: this.#session, publisher: this.#publisher?.handle, subscriber: this.#subscription.handle, screen: this.#screen.handle }
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
      // Subscribing starts once `connect` returned, so that the session listens before the first track is announced.
      setTimeout(() => connection.#subscription.start(), 0)
      connection.#monitor()
      return connection
    } catch (error) {
      await connection.disconnect()
      throw error
    }
  }

  async #join(): Promise<void> {
    const { coreToken, room, local } = this.#options
    await this.#subscription.attach(this.#session, coreToken)
    if (!this.#options.publish) {
      // Not a VideoRoom participant, so no events about publishers reach it: it lists them.
      this.#roster = new Roster({ room, onListing: (listed, raw, announce) => this.#subscription.onListing(listed, raw, announce) })
      return this.#roster.start(this.#session, coreToken)
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
    await this.#media.start(this.#publisher)
  }

  #onPublisherMessage(message: JanusJsMessage): void {
    if (this.#closed) return
    this.#subscription.onPublishers(message)
    if (message.videoroom === 'talking' || message.videoroom === 'stopped-talking') {
      // Sent to every publisher, the speaker included.
      const participant = message.id === this.#publisher?.id ? this.localParticipant : this.#subscription.speakerOf(message.id)
      if (participant) this.#speakers.onTalking(participant, message)
    }
    if (message.moderation !== undefined && message.id === this.#publisher?.id) void this.#media.onModerated(message)
    else if (message.moderation !== undefined) this.#subscription.onModeration(message)
    if (message.leaving === 'ok' || message.videoroom === 'destroyed') this.#end(message.videoroom === 'destroyed' ? 'room-closed' : 'removed')
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
    const subscription = this.#subscription
    this.#stopQuality = monitorCallQuality({
      local: this.localParticipant,
      publisher: () => this.#publisher?.peerConnection,
      subscription,
      onChange: (change) => this.emit('connection-quality-changed', change),
    })
    if (this.#options.publish) return
    this.#speakers.measure(() =>
      (subscription.peerConnection?.getTransceivers() ?? []).flatMap((transceiver) => {
        const participant = subscription.microphoneOf(transceiver.mid)
        return participant ? [{ participant, receiver: transceiver.receiver }] : []
      }),
    )
  }

  participants(): Participant[] {
    return this.#subscription.participants()
  }

  /** The camera, microphone and screen this page publishes (a camera or microphone turned off stays listed: it stays published, disabled). */
  localTracks(): LocalTrack[] {
    return [...this.#media.list(), ...this.#screen.tracks()]
  }

  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    await this.#media.setEnabled('audio', enabled)
  }

  async setCameraEnabled(enabled: boolean): Promise<void> {
    await this.#media.setEnabled('video', enabled)
  }

  /**
   * Captures from another camera or microphone and sends it instead (janus.js `replaceTracks`: the
   * same sender, no renegotiation; the others keep receiving the same track). The previous capture is
   * stopped (the page's own track is left alone). DEVICE_NOT_FOUND for an unknown device.
   */
  switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    return this.#media.switchDevice(kind, deviceId)
  }

  /**
   * Shares a screen as a second VideoRoom publisher of this participant (display source `screen`):
   * the others receive its video as a `screen` track (and its audio as `screen-audio`). The browser's
   * own "Stop sharing" stops it too.
   */
  async setScreenShareEnabled(enabled: boolean, options: ScreenShareOptions = {}): Promise<void> {
    if (this.#closed) return
    if (!enabled) return this.#screen.stop()
    if (this.#screen.sharing) return
    if (!this.#publisher) throw new CallportError('FORBIDDEN', 'A subscriber publishes no media: cannot share a screen', { provider: JANUS_PROVIDER })
    await this.#screen.start(options)
  }

  /** Ends the call from Janus's side (session lost, kicked, room destroyed): `disconnected` with the reason. */
  #end(reason: 'connection-lost' | 'removed' | 'room-closed', error?: CallportError): void {
    if (this.#closed) return
    void this.disconnect().then(() => this.emit('disconnected', { reason, ...(error ? { error } : {}) }))
  }

  async disconnect(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#roster?.stop()
    clearTimeout(this.#hangupTimer)
    this.#stopQuality?.()
    this.#speakers.stop()
    this.#subscription.close()
    this.#screen.close()
    await new Promise<void>((resolve) => this.#session.destroy({ cleanupHandles: true, success: () => resolve(), error: () => resolve() }))
    this.#media.stop()
  }
}
