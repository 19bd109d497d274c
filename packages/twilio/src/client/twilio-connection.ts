import { CallportError, EventEmitter, type ClientConnection, type ConnectionEvents, type Participant, type Token, type TrackEvent } from '@callport/core'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { disconnectReasonOf, errorFromTwilioVideo } from './twilio-errors'
import { toTrack } from './twilio-track'
import type {
  TwilioListener,
  TwilioLocalDataTrack,
  TwilioLocalMediaTrack,
  TwilioRemoteParticipant,
  TwilioRemoteTrack,
  TwilioRemoteTrackPublication,
  TwilioRoom,
  TwilioVideo,
} from './twilio-video-types'

const textDecoder = new TextDecoder()

function participantOf(remote: TwilioRemoteParticipant): Participant {
  // Twilio keeps no roles or names: a participant is its identity.
  return { identity: remote.identity, role: 'publisher', providerParticipantId: remote.sid }
}

/**
 * One participant's twilio-video Room. Maps the Room's events to Callport's, keeping what
 * twilio-video emitted as `raw`: participants, subscribed media tracks, a remote track disabled or
 * enabled by its publisher (`trackDisabled` / `trackEnabled` → `track-muted` / `track-unmuted`; a
 * track subscribed while disabled is `track-subscribed`, then `track-muted`), data-track messages,
 * twilio-video's own reconnection, and the end of the call with its Twilio error code as the reason.
 */
export class TwilioConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant: Participant
  /** The twilio-video Room, for what Callport does not cover. */
  readonly room: TwilioRoom
  /** Sends text to everyone in the room over a LocalDataTrack (present when the adapter publishes one). */
  readonly sendData?: (data: string, options?: { to?: string[] }) => Promise<void>
  readonly #sdk: TwilioVideo
  readonly #remote = new Map<string, Participant>()
  readonly #tracks = new Map<string, TrackEvent>()
  /** Local tracks this connection created (twilio-video stops those it created itself). */
  readonly #created: TwilioLocalMediaTrack[] = []
  readonly #listeners: Array<[string, TwilioListener]> = []
  #closed = false

  constructor(options: { sdk: TwilioVideo; room: TwilioRoom; token: Token; data: boolean }) {
    super()
    const { sdk, room, token } = options
    this.#sdk = sdk
    this.room = room
    this.localParticipant = { identity: token.identity, role: 'publisher', providerParticipantId: room.localParticipant.sid }
    for (const remote of room.participants.values()) this.#remote.set(remote.sid, participantOf(remote))
    this.#listen()
    if (options.data) this.sendData = this.#publishDataTrack()
  }

  /** Remote participants in the room. */
  participants(): Participant[] {
    return [...this.#remote.values()]
  }

  /** Enables or disables the published microphone track; publishes a new one when there is none. */
  setMicrophoneEnabled(enabled: boolean): Promise<void> {
    return this.#setEnabled('audio', enabled)
  }

  /** Enables or disables the published camera track; publishes a new one when there is none. */
  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.#setEnabled('video', enabled)
  }

  /** Leaves the room. Emits no `disconnected` event; idempotent. */
  async disconnect(): Promise<void> {
    if (this.#close()) this.room.disconnect()
  }

  #listen(): void {
    const on = (event: string, listener: TwilioListener) => {
      this.room.on(event, listener)
      this.#listeners.push([event, listener])
    }
    on('participantConnected', (remote: TwilioRemoteParticipant) => {
      const participant = this.#participant(remote)
      this.emit('participant-joined', { participant, raw: remote })
    })
    on('participantDisconnected', (remote: TwilioRemoteParticipant) => {
      const participant = this.#remote.get(remote.sid)
      if (!participant) return
      for (const [sid, event] of this.#tracks) {
        if (event.participant !== participant) continue
        this.#tracks.delete(sid)
        this.emit('track-unsubscribed', { ...event, raw: remote })
      }
      this.#remote.delete(remote.sid)
      this.emit('participant-left', { participant, raw: remote })
    })
    on('trackSubscribed', (track: TwilioRemoteTrack, publication: TwilioRemoteTrackPublication, remote: TwilioRemoteParticipant) => {
      if (track.kind === 'data') return
      const sid = track.sid || publication.trackSid
      const event: TrackEvent = { participant: this.#participant(remote), track: toTrack(track, sid), raw: { track, publication, participant: remote } }
      this.#tracks.set(sid, event)
      this.emit('track-subscribed', event)
      if (publication.isTrackEnabled === false && this.#tracks.get(sid) === event) this.emit('track-muted', event)
    })
    for (const [vendorEvent, callportEvent] of [
      ['trackDisabled', 'track-muted'],
      ['trackEnabled', 'track-unmuted'],
    ] as const) {
      on(vendorEvent, (publication: TwilioRemoteTrackPublication, remote: TwilioRemoteParticipant) => {
        const event = this.#tracks.get(publication.trackSid)
        if (event) this.emit(callportEvent, { ...event, raw: { publication, participant: remote } })
      })
    }
    on('trackUnsubscribed', (track: TwilioRemoteTrack, publication: TwilioRemoteTrackPublication, remote: TwilioRemoteParticipant) => {
      const sid = track.sid || publication.trackSid
      const event = this.#tracks.get(sid)
      if (!event) return
      this.#tracks.delete(sid)
      this.emit('track-unsubscribed', { ...event, raw: { track, publication, participant: remote } })
    })
    on('trackMessage', (data: string | ArrayBuffer, track: TwilioRemoteTrack, remote: TwilioRemoteParticipant) => {
      const text = typeof data === 'string' ? data : textDecoder.decode(data)
      this.emit('data-received', { participant: this.#remote.get(remote.sid), data: text, raw: { data, track, participant: remote } })
    })
    on('reconnecting', (error: unknown) => this.emit('reconnecting', { attempt: 0, reason: 'connection-lost', raw: error }))
    on('reconnected', () => this.emit('reconnected', {}))
    on('disconnected', (_room: unknown, error: unknown) => {
      if (!this.#close()) return
      const reason = disconnectReasonOf(error)
      this.emit('disconnected', { reason, ...(error ? { error: errorFromTwilioVideo(error) } : {}), raw: error })
    })
  }

  /** The known participant of `remote`, added when twilio-video names it first in a track event. */
  #participant(remote: TwilioRemoteParticipant): Participant {
    let participant = this.#remote.get(remote.sid)
    if (!participant) {
      participant = participantOf(remote)
      this.#remote.set(remote.sid, participant)
    }
    return participant
  }

  /** Stops listening and stops the tracks this connection created; false when already closed. */
  #close(): boolean {
    if (this.#closed) return false
    this.#closed = true
    for (const [event, listener] of this.#listeners) this.room.removeListener(event, listener)
    this.#listeners.length = 0
    for (const track of this.#created) track.stop()
    return true
  }

  async #setEnabled(kind: 'audio' | 'video', enabled: boolean): Promise<void> {
    if (this.#closed) return
    const publications = kind === 'audio' ? this.room.localParticipant.audioTracks : this.room.localParticipant.videoTracks
    if (publications.size > 0 || !enabled) {
      for (const { track } of publications.values()) {
        if (enabled) track.enable(true)
        else track.disable()
      }
      return
    }
    try {
      const track = await (kind === 'audio' ? this.#sdk.createLocalAudioTrack() : this.#sdk.createLocalVideoTrack())
      this.#created.push(track)
      if (this.#closed) track.stop()
      else await this.room.localParticipant.publishTrack(track)
    } catch (error) {
      throw errorFromTwilioVideo(error)
    }
  }

  /** Publishes a LocalDataTrack and returns `sendData`, which waits for the publication. */
  #publishDataTrack(): (data: string, options?: { to?: string[] }) => Promise<void> {
    const track: TwilioLocalDataTrack = new this.#sdk.LocalDataTrack()
    const published = this.room.localParticipant.publishTrack(track).then(
      () => undefined,
      (error: unknown) => errorFromTwilioVideo(error),
    )
    return async (data, options) => {
      if (options?.to !== undefined && options.to.length > 0) {
        // A Twilio data track reaches everyone: sending it anyway would show the message to others too.
        throw new CallportError('UNSUPPORTED', 'Twilio data tracks reach every participant; sendData cannot address some of them', {
          provider: TWILIO_PROVIDER,
        })
      }
      const failure = await published
      if (failure) throw failure
      if (this.#closed) throw new CallportError('CONNECTION_FAILED', 'The Twilio connection has ended', { provider: TWILIO_PROVIDER })
      track.send(data)
    }
  }
}
