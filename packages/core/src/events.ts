import type { CallportError } from './errors'
import type { InviteEvent } from './invites'
import type { Participant, Token } from './schemas'

/** States of a Session, in the order a call usually goes through them. */
export const connectionStates = ['idle', 'connecting', 'connected', 'reconnecting', 'disconnected'] as const
export type ConnectionState = (typeof connectionStates)[number]

/** Why a connection ended. */
export const disconnectReasons = [
  /** The app called `leave()` / `disconnect()`. */
  'client-initiated',
  /** A moderator or the server removed this participant. */
  'removed',
  /** The room was closed on the provider. */
  'room-closed',
  /** Another connection joined with the same identity. */
  'duplicate-identity',
  /** The credential expired and the vendor ended the call. Recoverable with a fresh token. */
  'token-expired',
  /** The credential was refused. */
  'unauthorized',
  /** The network or the media path was lost. Recoverable. */
  'connection-lost',
  /** The provider's server went away. Recoverable. */
  'server-shutdown',
  /** Joining failed. */
  'join-failed',
  'unknown',
] as const
export type DisconnectReason = (typeof disconnectReasons)[number]

/** Reasons after which the session reconnects with a fresh token. */
export const recoverableDisconnectReasons: ReadonlySet<DisconnectReason> = new Set<DisconnectReason>(['token-expired', 'connection-lost', 'server-shutdown'])

export type TrackKind = 'audio' | 'video'
/**
 * What a track carries, as the vendor reports it: `camera` and `microphone`, `screen` (a shared
 * screen, window or tab) and `screen-audio` (the system or tab audio shared with it). `unknown` where
 * the vendor does not say.
 */
export type TrackSource = 'camera' | 'microphone' | 'screen' | 'screen-audio' | 'unknown'

/**
 * A remote or local media track, as the app attaches it to an element. The app owns the elements:
 * when a remote track goes away, `track-unsubscribed` is emitted while they are still attached, and
 * the app's listener detaches them (`track.detach()` returns them) and removes them from the page.
 */
export interface Track {
  /** The provider's id of the track, stable while it is published. */
  readonly id: string
  readonly kind: TrackKind
  readonly source: TrackSource
  /** The underlying browser track, where the provider exposes one. */
  readonly mediaStreamTrack: MediaStreamTrack | undefined
  /** Plays the track in `element` (or a new `<audio>`/`<video>` element) and returns it. */
  attach(element?: HTMLMediaElement): HTMLMediaElement
  /**
   * Stops playing the track in `element`, or in every element it is attached to, and returns the
   * elements it stopped (an element it is not attached to gives `[]`). Inside a
   * `track-unsubscribed` listener it still returns every element the app attached.
   */
  detach(element?: HTMLMediaElement): HTMLMediaElement[]
}

/**
 * A track this participant captured: a camera, microphone or screen. Made before joining (a preview,
 * `createLocalTracks` of `@callport/client`) and handed to `join`, or captured by the adapter. The
 * one who made it stops it: the page stops the tracks it created after `leave()`; the adapter stops
 * the tracks it captured itself.
 */
export interface LocalTrack extends Track {
  readonly mediaStreamTrack: MediaStreamTrack
  /** The device it captures from (`MediaDeviceInfo.deviceId`); undefined for a screen. */
  readonly deviceId: string | undefined
  /** Stops capturing (the camera light goes off); the track cannot be started again. */
  stop(): void
}

/** What a media device is for: input from a camera or microphone, output to a speaker. */
export type DeviceKind = 'camera' | 'microphone' | 'speaker'

/** A camera, microphone or speaker the browser lists (`enumerateDevices`), by the contract's names. */
export interface MediaDevice {
  deviceId: string
  kind: DeviceKind
  /** Empty until the page was granted access to a device of this kind (browsers hide labels until then). */
  label: string
  /** Devices of one physical product (a headset's microphone and speaker) share it. */
  groupId: string
}

/**
 * How well a participant's media gets through: `excellent` and `good` play smoothly, `poor` stutters
 * or freezes, `lost` gets nothing through. From the vendor's network-quality reports where it has
 * them, else from `RTCPeerConnection.getStats` (thresholds in the client guide).
 */
export type ConnectionQuality = 'excellent' | 'good' | 'poor' | 'lost'

/** Every normalized event keeps what the vendor sent as `raw`. */
export interface EventContext {
  raw?: unknown
}

export interface ParticipantEvent extends EventContext {
  participant: Participant
}

export interface TrackEvent extends EventContext {
  participant: Participant
  track: Track
}

export interface DisconnectedEvent extends EventContext {
  reason: DisconnectReason
  error?: CallportError
}

export interface DataReceivedEvent extends EventContext {
  participant: Participant | undefined
  data: string
}

export interface TokenExpiringEvent extends EventContext {
  expiresAt: string
}

export interface ReconnectingEvent extends EventContext {
  /** 1 for the first attempt: the session's own count, or the vendor's where it reports one; 0 when a vendor reconnects without saying which attempt. */
  attempt: number
  reason: DisconnectReason
}

export interface LocalTrackEvent extends EventContext {
  track: LocalTrack
}

export interface ActiveSpeaker {
  participant: Participant
  /** Loudness from 0 (silence) to 1, as the vendor reports it or as measured in the page. */
  level: number
}

export interface ActiveSpeakersChangedEvent extends EventContext {
  /** Who speaks now, loudest first; empty when nobody does. May include the local participant. */
  speakers: ActiveSpeaker[]
}

export interface ConnectionQualityChangedEvent extends EventContext {
  /** The local participant (`local: true`) or a remote one. */
  participant: Participant
  local: boolean
  quality: ConnectionQuality
}

export interface ActiveDeviceChangedEvent extends EventContext {
  kind: DeviceKind
  /** The device now in use; `'default'` for the browser's default device. */
  deviceId: string
  /** `switched`: the app asked for it; `unplugged`: the device in use went away and the default took over. */
  reason: 'switched' | 'unplugged'
}

export interface MutedByModeratorEvent extends EventContext {
  kind: TrackKind
}

export interface DevicesChangedEvent {
  /** Every camera, microphone and speaker the browser lists now. */
  devices: MediaDevice[]
}

export interface ConnectionStateChangedEvent {
  state: ConnectionState
  previous: ConnectionState
}

/**
 * Events a client adapter's connection emits (eventemitter3 event map). Every event has one
 * argument, an object, which keeps what the vendor sent as `raw`.
 */
export type ConnectionEvents = {
  /** A remote participant entered the room (participants already there when joining are not announced). */
  'participant-joined': [event: ParticipantEvent]
  /** A remote participant left the room. */
  'participant-left': [event: ParticipantEvent]
  /** A remote participant's track can be played; attach it. */
  'track-subscribed': [event: TrackEvent]
  /**
   * A remote track is gone (unpublished, or its participant left). Emitted while the track is still
   * attached: the listener detaches it and removes its elements
   * (`track.detach().forEach((element) => element.remove())`); the adapter detaches what is left
   * only after every listener ran.
   */
  'track-unsubscribed': [event: TrackEvent]
  /**
   * A remote participant muted a track that stays published (a camera turned off, a microphone
   * muted): show the tile's mute state, keep the track attached. Emitted only by adapters whose
   * `capabilities.trackMuteEvents` is true; the `track` is the one `track-subscribed` announced
   * (same `id`).
   */
  'track-muted': [event: TrackEvent]
  /** A remote track muted earlier (`track-muted`) plays again. */
  'track-unmuted': [event: TrackEvent]
  /**
   * A track of this participant is published in the room (the camera at join, a screen share), or
   * stopped being published. Emitted by adapters whose `capabilities.localTracks` is true.
   */
  'local-track-published': [event: LocalTrackEvent]
  'local-track-unpublished': [event: LocalTrackEvent]
  /** Who speaks, loudest first (`capabilities.activeSpeakers`). */
  'active-speakers-changed': [event: ActiveSpeakersChangedEvent]
  /** A participant's connection quality changed (`capabilities.connectionQuality`). */
  'connection-quality-changed': [event: ConnectionQualityChangedEvent]
  /** A remote participant's name or metadata changed (`capabilities.participantUpdates`). */
  'participant-updated': [event: ParticipantEvent]
  /**
   * The server half muted this participant's microphone or camera (`muteParticipant`); the session's
   * `setMicrophoneEnabled(true)` / `setCameraEnabled(true)` turns it on again (`capabilities.remoteMute`).
   */
  'muted-by-moderator': [event: MutedByModeratorEvent]
  /** The camera, microphone or speaker in use changed (`switchDevice`, or an unplugged device replaced by the default). */
  'active-device-changed': [event: ActiveDeviceChangedEvent]
  /** A text message from another participant (`sendData`). */
  'data-received': [event: DataReceivedEvent]
  /** The vendor itself is reconnecting (the call is kept). */
  reconnecting: [event: ReconnectingEvent]
  /** The vendor's own reconnection succeeded. */
  reconnected: [event: EventContext]
  /** The vendor announced that the credential is about to expire. */
  'token-expiring': [event: TokenExpiringEvent]
  /** The connection ended for good, with the reason. */
  disconnected: [event: DisconnectedEvent]
}

/** The names of {@link ConnectionEvents}, for code that forwards or lists them. */
export const connectionEventNames = [
  'participant-joined',
  'participant-left',
  'track-subscribed',
  'track-unsubscribed',
  'track-muted',
  'track-unmuted',
  'local-track-published',
  'local-track-unpublished',
  'active-speakers-changed',
  'connection-quality-changed',
  'participant-updated',
  'muted-by-moderator',
  'active-device-changed',
  'data-received',
  'reconnecting',
  'reconnected',
  'token-expiring',
  'disconnected',
] as const satisfies readonly (keyof ConnectionEvents)[]

/** Events of a client Session: the connection's events plus the session's own. */
export type SessionEvents = ConnectionEvents & {
  'connection-state-changed': [event: ConnectionStateChangedEvent]
  /** A fresh token was fetched (and handed to the provider where it takes one mid-call). */
  'token-refreshed': [event: { token: Token }]
  /** An invite this session sent or answered was created or changed (`session.invite`). */
  invite: [event: InviteEvent]
  /** A camera, microphone or speaker was plugged in or removed (while the session is joined). */
  'devices-changed': [event: DevicesChangedEvent]
}

export type SessionEventName = keyof SessionEvents

/** The names of {@link SessionEvents}. */
export const sessionEventNames = [
  ...connectionEventNames,
  'connection-state-changed',
  'token-refreshed',
  'invite',
  'devices-changed',
] as const satisfies readonly SessionEventName[]

/** A participant as a webhook names it (vendors send less than a full Participant). */
export interface WebhookParticipant {
  identity: string
  providerParticipantId?: string
  name?: string
}

interface WebhookEventBase {
  /** Stable id of the event: the same delivery sent twice has the same id. */
  id: string
  provider: string
  room: { providerRoomId: string; name?: string }
  /** ISO 8601 */
  occurredAt: string
  raw: unknown
}

/** Provider webhooks, normalized. */
export type WebhookEvent =
  | (WebhookEventBase & { type: 'room-started' })
  | (WebhookEventBase & { type: 'room-ended'; reason?: string })
  | (WebhookEventBase & { type: 'participant-joined'; participant: WebhookParticipant })
  | (WebhookEventBase & { type: 'participant-left'; participant: WebhookParticipant; reason?: string })
  | (WebhookEventBase & {
      type: 'track-published' | 'track-unpublished'
      participant: WebhookParticipant
      track: { id: string; kind: TrackKind | 'data' }
    })
  | (WebhookEventBase & {
      type: 'recording-started' | 'recording-ended'
      recording: { id: string; status: 'started' | 'completed' | 'failed'; url?: string }
    })
  | (WebhookEventBase & { type: 'provider-event'; name: string })

export type WebhookEventType = WebhookEvent['type']

/** Events of `createCallServer(…)`: one per normalized webhook type, plus `webhook` for all of them, and `invite`. */
export type CallServerEvents = {
  [K in WebhookEventType]: [event: Extract<WebhookEvent, { type: K }>]
} & {
  webhook: [event: WebhookEvent]
  /** An invite was created or changed status (ringing → accepted, declined, cancelled, missed or failed). */
  invite: [event: InviteEvent]
}
