import type { WebrtcSignal } from '../shared/protocol'
import type { LocalSource } from './local-media'

/** What one peer sends the other through the signaling server (`webrtc_signal` without its name). */
export type PeerSignal = Omit<WebrtcSignal, 'command'>

export interface PeerLinkOptions {
  RTCPeerConnection: typeof RTCPeerConnection
  configuration: RTCConfiguration | undefined
  /** What is sent at first, by source. */
  localTracks: [LocalSource, MediaStreamTrack][]
  /** The stream a source's track is sent in (peers tell camera from screen by the stream id). */
  streamOf(source: LocalSource): MediaStream | undefined
  /** Only receive: no track is ever sent and every transceiver is kept `recvonly` (or `inactive`). */
  receiveOnly?: boolean
  send(signal: PeerSignal): void
  /** A remote track arrived (`live`, with the id of the stream the peer sent it in) or went away. */
  onRemoteTrack(track: MediaStreamTrack, streamId: string | undefined, live: boolean, raw: unknown): void
  /** `alive` may have changed (the data channel closed, the connection state moved). */
  onHealthChange(): void
  /**
   * The peer sent an offer from another RTCPeerConnection than the one this link talks to (its DTLS
   * fingerprint changed: the peer replaced its side). This link cannot take it; a new one should.
   */
  onPeerReplaced?(signal: PeerSignal): void
  onError(error: unknown): void
}

const CHANNEL_ID = 0

/** The DTLS certificate fingerprints a session description names (one per RTCPeerConnection). */
function fingerprintsOf(sdp: string | undefined): string {
  return [...new Set((sdp ?? '').match(/^a=fingerprint:.*$/gim) ?? [])]
    .map((line) => line.trim().toLowerCase())
    .sort()
    .join('\n')
}

/**
 * One RTCPeerConnection to one peer, negotiated with the "perfect negotiation" pattern: both sides
 * offer whenever they need to, and on a collision the impolite side ignores the other's offer while
 * the polite side rolls its own back. The very first offer is the impolite side's alone: both sides
 * open the link at the same moment, and a rollback before ICE gathering has started can leave
 * Chromium's transport without candidates. A negotiated data channel is opened on both sides; it
 * makes the connection come up even when neither side publishes media, and its closing tells that
 * the peer closed its connection.
 */
export class PeerLink {
  readonly connection: RTCPeerConnection
  /** The polite peer yields when both offer at once; exactly one side of a link is polite (the roster decides). */
  polite = false
  readonly #options: PeerLinkOptions
  readonly #channel: RTCDataChannel
  readonly #senders = new Map<LocalSource, RTCRtpSender>()
  readonly #remoteTracks = new Set<MediaStreamTrack>()
  readonly #waiters = new Set<() => void>()
  #makingOffer = false
  #ignoreOffer = false
  #restartPending = false
  /** Set once a first offer/answer exchange has completed. */
  #negotiated = false
  #incoming: Promise<void> = Promise.resolve()
  #closed = false

  constructor(options: PeerLinkOptions) {
    this.#options = options
    const connection = new options.RTCPeerConnection(options.configuration)
    this.connection = connection
    this.#channel = connection.createDataChannel('callport', { negotiated: true, id: CHANNEL_ID })
    for (const [source, track] of options.localTracks) this.#addTrack(source, track)
    connection.addEventListener('negotiationneeded', () => void this.#offer())
    connection.addEventListener('icecandidate', ({ candidate }) => {
      if (candidate) options.send({ candidate: candidate.toJSON() as NonNullable<PeerSignal['candidate']> })
    })
    connection.addEventListener('track', (event) => this.#onTrack(event))
    connection.addEventListener('connectionstatechange', () => this.#onConnectionState())
    connection.addEventListener('signalingstatechange', () => this.#notify())
    this.#channel.addEventListener('open', () => this.#onHealthChange())
    this.#channel.addEventListener('close', () => this.#onHealthChange())
  }

  /** True while the peer is reachable: the data channel is open and the connection is not lost. */
  get alive(): boolean {
    const state = this.connection.connectionState
    return !this.#closed && this.#channel.readyState === 'open' && (state === 'connected' || state === 'connecting')
  }

  /**
   * True while this link can carry on with the same peer connection after a signaling outage: it is
   * not closed and its data channel is still open (the peer has not closed its side), whatever ICE
   * says right now — a failed ICE path comes back with an ICE restart (`resume`).
   */
  get reusable(): boolean {
    return !this.#closed && this.#channel.readyState === 'open' && this.connection.connectionState !== 'closed'
  }

  /**
   * Carries the link on after the signaling socket (this side's or the peer's) came back: nothing at
   * all while the connection works and no negotiation is pending — no offer, no ICE restart; the
   * local offer again when one was outstanding (it may have been dropped while the socket was down);
   * an ICE restart only when ICE `failed` (`disconnected` usually comes back by itself, and turns
   * into `failed`, which restarts ICE, when it does not). Resolves once the connection is up
   * and nothing is pending, or after `timeoutMs`, with whether it is up.
   */
  resume(timeoutMs: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false)
    const state = this.connection.connectionState
    const offer = this.connection.localDescription
    if (state === 'failed') {
      this.#restartPending = true
      this.connection.restartIce()
    } else if (this.connection.signalingState === 'have-local-offer' && offer?.type === 'offer' && !this.#makingOffer) {
      this.#options.send({ description: offer.toJSON(), ...(this.#restartPending ? { restart: true } : {}) })
    }
    return this.#waitFor(() => !this.#restartPending && this.connection.signalingState === 'stable' && this.connection.connectionState === 'connected', timeoutMs)
  }

  /** Applies a signal from the peer. Signals are applied one at a time, in the order received. */
  receive(signal: PeerSignal): void {
    this.#incoming = this.#incoming.then(() => this.#apply(signal)).catch((error: unknown) => this.#options.onError(error))
  }

  /** Sends `track` for `source` (null: send nothing) — renegotiates only when the source was never sent. */
  async setTrack(source: LocalSource, track: MediaStreamTrack | null): Promise<void> {
    if (this.#closed || this.#options.receiveOnly) return
    const sender = this.#senders.get(source)
    if (sender) await sender.replaceTrack(track)
    else if (track) this.#addTrack(source, track)
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#channel.close()
    this.connection.close()
    this.#remoteTracks.clear()
    this.#notify()
  }

  #addTrack(source: LocalSource, track: MediaStreamTrack): void {
    const stream = this.#options.streamOf(source)
    this.#senders.set(source, stream ? this.connection.addTrack(track, stream) : this.connection.addTrack(track))
  }

  async #offer(): Promise<void> {
    // The polite side waits for the first offer; negotiationneeded fires again after it if still needed.
    if (this.#closed || (this.polite && !this.#negotiated)) return
    try {
      this.#makingOffer = true
      this.#keepReceiveOnly()
      await this.connection.setLocalDescription()
      const description = this.connection.localDescription
      if (description && description.type === 'offer') {
        this.#options.send({ description: description.toJSON(), ...(this.#restartPending ? { restart: true } : {}) })
      }
    } catch (error) {
      if (!this.#closed) this.#options.onError(error)
    } finally {
      this.#makingOffer = false
    }
  }

  async #apply({ description, candidate }: PeerSignal): Promise<void> {
    if (this.#closed) return
    if (description) {
      const current = this.connection.remoteDescription
      if (
        this.#options.onPeerReplaced &&
        description.type === 'offer' &&
        this.#negotiated &&
        current?.sdp &&
        fingerprintsOf(current.sdp) !== fingerprintsOf(description.sdp)
      ) {
        this.#options.onPeerReplaced({ description })
        return
      }
      const collision = description.type === 'offer' && (this.#makingOffer || this.connection.signalingState !== 'stable')
      this.#ignoreOffer = !this.polite && collision
      if (this.#ignoreOffer) return
      await this.connection.setRemoteDescription(description)
      if (description.type === 'offer') {
        this.#keepReceiveOnly()
        await this.connection.setLocalDescription()
        const answer = this.connection.localDescription
        if (answer) this.#options.send({ description: answer.toJSON() })
      }
      if (description.type === 'offer' || description.type === 'answer') {
        this.#negotiated = true
        this.#restartPending = false
        this.#dropUnsentTracks()
      }
      this.#notify()
      return
    }
    if (candidate) {
      try {
        await this.connection.addIceCandidate(candidate)
      } catch (error) {
        if (!this.#ignoreOffer) throw error
      }
    }
  }

  /** On a receive-only link, turns any transceiver that would send into one that only receives. */
  #keepReceiveOnly(): void {
    if (!this.#options.receiveOnly || typeof this.connection.getTransceivers !== 'function') return
    for (const transceiver of this.connection.getTransceivers()) {
      if (transceiver.direction === 'sendrecv') transceiver.direction = 'recvonly'
      else if (transceiver.direction === 'sendonly') transceiver.direction = 'inactive'
    }
  }

  #onTrack(event: RTCTrackEvent): void {
    const { track } = event
    if (this.#remoteTracks.has(track)) return
    this.#remoteTracks.add(track)
    track.addEventListener('ended', (ended) => this.#dropTrack(track, ended))
    this.#options.onRemoteTrack(track, event.streams[0]?.id, true, event)
  }

  #dropTrack(track: MediaStreamTrack, raw: unknown): void {
    if (this.#closed || !this.#remoteTracks.delete(track)) return
    this.#options.onRemoteTrack(track, undefined, false, raw)
  }

  /** The peer stopped sending a track for good (`removeTrack`: its transceiver no longer receives). */
  #dropUnsentTracks(): void {
    for (const transceiver of this.connection.getTransceivers?.() ?? []) {
      const direction = transceiver.currentDirection
      if (direction === 'inactive' || direction === 'sendonly') this.#dropTrack(transceiver.receiver.track, transceiver)
    }
  }

  #onConnectionState(): void {
    const state = this.connection.connectionState
    if (state === 'failed' && !this.#closed) {
      // A failed path may come back with fresh candidates (the other side answers the restart offer).
      this.connection.restartIce()
    }
    this.#onHealthChange()
  }

  #onHealthChange(): void {
    this.#notify()
    if (!this.#closed) this.#options.onHealthChange()
  }

  #notify(): void {
    for (const waiter of this.#waiters) waiter()
  }

  #waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (result: boolean) => {
        clearTimeout(timer)
        this.#waiters.delete(waiter)
        resolve(result)
      }
      const waiter = () => {
        if (this.#closed) finish(false)
        else if (check()) finish(true)
      }
      const timer = setTimeout(() => finish(check()), timeoutMs)
      this.#waiters.add(waiter)
      waiter()
    })
  }
}
