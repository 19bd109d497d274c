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
} from '@callport/core'
import { monitorActiveSpeakers, monitorConnectionQuality } from '@callport/provider-utils/client'
import { encodeJanusDisplay } from '../shared/connect-parameters'
import { JANUS_PROVIDER } from '../shared/provider-id'
import type { JanusJs, JanusJsMessage, JanusJsPluginHandle, JanusJsSession } from './janus-js-types'
import { LIVE_DESCRIPTION, MUTED_DESCRIPTION, type DisplayedStream } from './published-streams'
import { Publisher } from './publisher'
import { filteredPeerConnection, speakerLevelOfDbov } from './quality'
import { Roster } from './roster'
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
  #screen: { publisher?: Publisher; tracks: LocalTrack[] } | undefined
  readonly #subscription: Subscription
  /** For a subscriber (a token that may not publish): lists the room's publishers. */
  #roster: Roster | undefined
  #closed = false
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
    this.#subscription = new Subscription(
      { room: options.room, roomToken: options.roomToken, localIdentity: options.local.identity },
      {
        events: this,
        closed: () => this.#closed,
        left: (identity) => {
          if (this.#talking.delete(identity)) this.#emitSpeakers([...this.#talking.values()])
        },
        iceState: (state) => this.#onIceState(state, 'subscriber'),
      },
    )
  }

  /** The janus.js session and handles behind this connection (outside the contract). */
  get vendor(): JanusVendorObject {
    return { session: this.#session, publisher: this.#publisher?.handle, subscriber: this.#subscription.handle, screen: this.#screen?.publisher?.handle }
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

  #onPublisherMessage(message: JanusJsMessage): void {
    if (this.#closed) return
    this.#subscription.onPublishers(message)
    if (message.videoroom === 'talking' || message.videoroom === 'stopped-talking') this.#onTalking(message)
    if (message.moderation !== undefined && message.id === this.#publisher?.id) void this.#onModerated(message)
    else if (message.moderation !== undefined) this.#subscription.onModeration(message)
    if (message.leaving === 'ok' || message.videoroom === 'destroyed') this.#end(message.videoroom === 'destroyed' ? 'room-closed' : 'removed')
  }

  /** VideoRoom's `talking` / `stopped-talking` (sent to every publisher, the speaker included). */
  #onTalking(message: JanusJsMessage): void {
    const participant = message.id === this.#publisher?.id ? this.localParticipant : this.#subscription.speakerOf(message.id)
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
    const subscriberPc = () => this.#subscription.peerConnection
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
            for (const participant of this.#subscription.participants()) {
              let view = views.get(participant.identity)
              if (sharedFor !== pc) {
                sharedFor = pc
                shared = { at: 0 }
              }
              if (!view || view.target !== pc) views.set(participant.identity, (view = filteredPeerConnection(pc, shared)))
              view.tracks = new Set(this.#subscription.tracksOf(participant.identity))
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
            const participant = this.#subscription.microphoneOf(transceiver.mid)
            return participant ? [{ participant, receiver: transceiver.receiver }] : []
          }),
        onChange: (speakers) => this.#emitSpeakers(speakers),
      }),
    )
  }

  participants(): Participant[] {
    return this.#subscription.participants()
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
    this.#roster?.stop()
    clearTimeout(this.#hangupTimer)
    for (const stop of this.#stopMonitors.splice(0)) stop()
    this.#subscription.close()
    const screen = this.#screen
    this.#screen = undefined
    for (const track of screen?.tracks ?? []) track.stop()
    await new Promise<void>((resolve) => this.#session.destroy({ cleanupHandles: true, success: () => resolve(), error: () => resolve() }))
    for (const { track, owned } of this.#media.values()) if (owned) track.stop()
  }
}
