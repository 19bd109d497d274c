import type { EventEmitter } from 'eventemitter3'
import type { ConnectionEvents, DeviceKind, LocalTrack, TrackKind, WebhookEvent } from './events'
import type { Metadata, Participant, Room, Token } from './schemas'

/**
 * The adapter specification every provider implements, version 1.
 *
 * Rules that hold for every method of every adapter (an adapter made with `defineServerAdapter` /
 * `defineClientAdapter` from `@callport/provider-utils` keeps them without writing them, and the
 * conformance suites of `@callport/testkit` check them):
 *
 * - Every failure is a `CallportError` naming the adapter's `provider`, with a code from the closed
 *   union; a vendor's answer stays on `error.vendor` (status, headers, a bounded excerpt of the body)
 *   and `retryable` says whether trying again may help.
 * - A `signal` that has already fired gives `ABORTED` before any I/O; one that fires during the
 *   operation gives `ABORTED` as soon as the adapter can stop.
 * - Bad input gives `INVALID_INPUT` before any I/O: a token lifetime outside
 *   `capabilities.tokenTtlSeconds`, a token of another provider, settings with unknown keys.
 * - What a vendor cannot do is an absent optional method and a `false` capability flag, never a
 *   method that throws `UNSUPPORTED` at random.
 * - The app detaches remote tracks, not the adapter: a client adapter emits `track-unsubscribed`
 *   while the track is still attached to every element the app attached it to, so `track.detach()`
 *   in the listener returns those elements (the documented cleanup,
 *   `track.detach().forEach((element) => element.remove())`, removes them). Only after every
 *   listener ran may the adapter detach what is left. The same holds for each track of a
 *   participant who leaves and of a connection that ends.
 */
export const specificationVersion = 'v1' as const

/** Inclusive bounds of the token lifetimes a provider accepts, in whole seconds. */
export interface TokenTtlBounds {
  min: number
  max: number
}

/**
 * What a server adapter can do. Each optional method's flag is `true` exactly when the method is
 * present.
 */
export interface ServerCapabilities {
  /** `getRoom` is present: the vendor can say whether a room is live. */
  getRoom: boolean
  /** `listParticipants` is present. */
  listParticipants: boolean
  /** `removeParticipant` is present. */
  removeParticipant: boolean
  /** `closeRoom` is present. */
  closeRoom: boolean
  /** `muteParticipant` is present: the vendor can mute a participant's microphone or camera from the server. */
  muteParticipant: boolean
  /**
   * `updateParticipant` is present: the vendor can change a participant's name or metadata from the
   * server, and the others in the room are told (`participant-updated`). Absent (as in adapters
   * written before it) means false.
   */
  updateParticipant?: boolean
  /** `webhook` (verify + parse) is present. */
  webhooks: boolean
  /** Token lifetimes `issueToken` accepts; others are refused with INVALID_INPUT before any I/O. */
  tokenTtlSeconds: TokenTtlBounds
  /**
   * The most participants one room can hold on this vendor; absent when the vendor sets no limit
   * Callport must know of. A join past it fails with ROOM_FULL, and routing can send larger rooms
   * elsewhere.
   */
  maximumParticipants?: number
}

export interface EnsureRoomOptions {
  /** The app's room name (already validated against `RoomNameSchema`). */
  name: string
  /** Aborts the operation: ABORTED, before any I/O when it has already fired. */
  signal?: AbortSignal
}

export interface IssueTokenOptions {
  /**
   * The room, as `ensureRoom` returned it or as the call server recorded it. A provider that makes
   * its vendor room lazily (on the first token) returns the vendor's id in the token's
   * `providerRoomId`; the call server records it and hands it back on later joins.
   */
  room: Room
  participant: Participant
  /** Whole seconds within `capabilities.tokenTtlSeconds`, else INVALID_INPUT before any I/O. */
  ttlSeconds: number
  /** Aborts the operation: ABORTED, before any I/O when it has already fired. */
  signal?: AbortSignal
}

export interface RoomOperationOptions {
  room: Room
  /** Aborts the operation: ABORTED, before any I/O when it has already fired. */
  signal?: AbortSignal
}

/** What `ServerAdapter.updateParticipant` changes: at least one of `name` and `metadata`. */
export interface UpdateParticipantOptions extends RoomOperationOptions {
  /** The participant changed. */
  identity: string
  /** The new display name, 1 to 256 characters (an empty one is INVALID_INPUT: vendors such as LiveKit cannot set it). */
  name?: string
  /** The new metadata, replacing the old object whole (anything but an object is INVALID_INPUT). */
  metadata?: Metadata
}

/** A webhook delivery as the server adapter sees it: the raw body, so signatures can be checked. */
export interface WebhookRequest {
  /** Full URL the vendor posted to, as the vendor saw it. */
  url: string
  method: string
  headers: Headers
  body: string
}

export interface WebhookHandler {
  /** True when the delivery is authentic. */
  verify(request: WebhookRequest): boolean | Promise<boolean>
  /** Normalizes a verified delivery (one delivery may carry several events). */
  parse(request: WebhookRequest): WebhookEvent[] | Promise<WebhookEvent[]>
}

/**
 * The server half of a provider: runs where secrets live. See {@link specificationVersion} for the
 * rules every method keeps.
 */
export interface ServerAdapter {
  readonly specificationVersion: typeof specificationVersion
  /** The provider id: lowercase letters, digits and dashes (`twilio`). Tokens carry it. */
  readonly provider: string
  readonly capabilities: ServerCapabilities
  /**
   * Idempotent create-or-get, also under concurrent calls: the same name gives the same
   * `providerRoomId` while the room lives, and distinct names (even differing only in case or
   * punctuation) give distinct ones. The call server calls it only for rooms it has no live
   * record of, so a join of a live room costs no vendor round trip here.
   */
  ensureRoom(options: EnsureRoomOptions): Promise<Room>
  /**
   * A token for `participant` in `room`, expiring about `ttlSeconds` from now (`expiresAt`). Fails
   * with ROOM_NOT_FOUND when the vendor no longer has the room (the call server then makes it again).
   */
  issueToken(options: IssueTokenOptions): Promise<Token>
  /** Null when the room does not exist (or is no longer live) on the provider. */
  getRoom?(options: EnsureRoomOptions): Promise<Room | null>
  /** The remote participants in the room now, as the vendor lists them. */
  listParticipants?(options: RoomOperationOptions): Promise<Participant[]>
  /** Ends the participant's connection(s) to the room: PARTICIPANT_NOT_FOUND when nobody has that identity. */
  removeParticipant?(options: RoomOperationOptions & { identity: string }): Promise<void>
  /**
   * Mutes the participant's microphone (`audio`) or camera (`video`) in the room: the others stop
   * receiving it, and the participant's session emits `muted-by-moderator`; the participant may turn
   * it on again. PARTICIPANT_NOT_FOUND when nobody has that identity; muting what is already muted
   * (or not published) succeeds.
   */
  muteParticipant?(options: RoomOperationOptions & { identity: string; kind: TrackKind }): Promise<void>
  /**
   * Changes the participant's `name` and/or `metadata` in the room (what is left out stays as it is;
   * `metadata` replaces the whole object): the other participants' sessions emit `participant-updated`
   * with the new values. PARTICIPANT_NOT_FOUND when nobody has that identity. Present when
   * `capabilities.updateParticipant`.
   */
  updateParticipant?(options: UpdateParticipantOptions): Promise<void>
  /** Ends the room for everyone. Closing a room the vendor no longer has succeeds. */
  closeRoom?(options: RoomOperationOptions): Promise<void>
  /** Verifies and normalizes the vendor's webhook deliveries (present when `capabilities.webhooks`). */
  webhook?: WebhookHandler
}

/** What a client adapter can do. */
export interface ClientCapabilities {
  /** `tracks`: the adapter emits tracks the app attaches; `view`: the vendor renders into a container. */
  media: 'tracks' | 'view'
  /** The credential can be replaced mid-call (`updateToken`). */
  updateToken: boolean
  /** Data messages to other participants (`sendData`). */
  sendData: boolean
  /**
   * The connection emits `track-muted` / `track-unmuted` for remote tracks that stay published while
   * muted. Where the vendor distinguishes muting from unpublishing, a remote camera turned off is
   * reported as `track-muted` (not `track-unsubscribed`), and turned on again as `track-unmuted`,
   * with the same track. Absent (as in adapters written before it) means false: the adapter emits
   * neither event.
   */
  trackMuteEvents?: boolean
  /**
   * `connect` publishes the tracks of `ConnectOptions.tracks` (a preview the page made) instead of
   * capturing its own, `localTracks()` lists what the connection publishes, and it emits
   * `local-track-published` / `local-track-unpublished`.
   */
  localTracks?: boolean
  /**
   * The device kinds `switchDevice` changes mid-call. For a `tracks` adapter the session switches the
   * speaker itself (`setSinkId` on the elements remote tracks are attached to), so only a `view`
   * adapter lists `speaker`. An adapter that lists `camera` or `microphone` also falls back to the
   * default device when the one in use is unplugged, and says so with `active-device-changed`.
   */
  switchDevice?: readonly DeviceKind[]
  /** `setScreenShareEnabled` is present: the participant can share a screen, window or tab. */
  screenShare?: boolean
  /** A screen share can carry the system or tab audio (`setScreenShareEnabled(true, { audio: true })`) where the browser allows. */
  screenShareAudio?: boolean
  /** The connection emits `active-speakers-changed`, from the vendor or measured in the page. */
  activeSpeakers?: boolean
  /** The connection emits `connection-quality-changed` for the local participant and each remote one. */
  connectionQuality?: boolean
  /** The connection emits `participant-updated` when a remote participant's name or metadata changes. */
  participantUpdates?: boolean
  /** The connection emits `muted-by-moderator` when the server half mutes this participant (`muteParticipant`). */
  remoteMute?: boolean
  /** `prepare` is present: the adapter loads its SDK and warms up its connection before the join. */
  prepare?: boolean
  /** The most participants one room can hold on this vendor, when it has a limit (as on the server half). */
  maximumParticipants?: number
}

/** What a screen share captures, besides the picture. */
export interface ScreenShareOptions {
  /** Share the system or tab audio too, where the browser offers it (`capabilities.screenShareAudio`). Default false. */
  audio?: boolean
}

export interface ConnectOptions {
  audio: boolean
  video: boolean
  /** Where a `view`-style provider renders its UI. */
  container?: HTMLElement
  /**
   * Tracks the page captured already (a preview): an adapter with `capabilities.localTracks`
   * publishes these instead of capturing, so the user is not asked twice. The page keeps owning
   * them (the adapter never stops them). Where they hold no track of a kind that `audio` / `video`
   * ask for, the adapter captures that kind itself.
   */
  tracks?: readonly LocalTrack[]
  signal?: AbortSignal
  /** Fetches a fresh token for this room through the session's token source. */
  refreshToken: () => Promise<Token>
}

/**
 * One participant's live connection, as a client adapter returns it from `connect`. Its
 * `track-unsubscribed` events come before the adapter detaches anything (see
 * {@link specificationVersion}).
 */
export interface ClientConnection extends EventEmitter<ConnectionEvents> {
  readonly localParticipant: Participant
  /** Remote participants currently in the room. */
  participants(): Participant[]
  setMicrophoneEnabled(enabled: boolean): Promise<void>
  setCameraEnabled(enabled: boolean): Promise<void>
  /** Leaves the room. Emits no `disconnected` event of its own; idempotent. */
  disconnect(): Promise<void>
  /** Replaces the credential mid-call (present when `capabilities.updateToken`). */
  updateToken?(token: Token): Promise<void>
  /** Sends a text message to everyone, or to the given identities (present when `capabilities.sendData`). */
  sendData?(data: string, options?: { to?: string[] }): Promise<void>
  /** The tracks this participant publishes now, screen shares included (present when `capabilities.localTracks`). */
  localTracks?(): LocalTrack[]
  /**
   * Captures from another camera or microphone (or plays to another speaker, for a `view` adapter)
   * without leaving the call; emits `active-device-changed` (`switched`). DEVICE_NOT_FOUND for an
   * unknown device. Present when `capabilities.switchDevice` lists a kind.
   */
  switchDevice?(kind: DeviceKind, deviceId: string): Promise<void>
  /**
   * Starts or stops sharing a screen, window or tab (the browser asks the user which): the share is
   * published as a `screen` track (and a `screen-audio` track with `audio`). Stopping it from the
   * browser's own "Stop sharing" control unpublishes it too. Present when `capabilities.screenShare`.
   */
  setScreenShareEnabled?(enabled: boolean, options?: ScreenShareOptions): Promise<void>
  /**
   * The vendor's own object behind this connection (the twilio-video `Room`, the openvidu-browser
   * `Session`, …), for what the portable surface does not cover. Outside the contract: code that uses
   * it is tied to that vendor and its SDK version.
   */
  readonly vendor?: unknown
}

/** The type of `vendor` on the connections an adapter makes (`unknown` when it names none). */
export type VendorObjectOf<Adapter extends ClientAdapter> = Awaited<ReturnType<Adapter['connect']>> extends { readonly vendor: infer Vendor } ? Vendor : unknown

/**
 * The client half of a provider: runs in the browser and never sees a secret. It imports its
 * vendor SDK lazily inside `connect` (or takes it through its `sdk` option), so server-side
 * rendering never touches `window`.
 */
export interface ClientAdapter {
  readonly specificationVersion: typeof specificationVersion
  readonly provider: string
  readonly capabilities: ClientCapabilities
  /**
   * Joins the room the token is for. A token of another provider, or without the connection
   * parameters this provider puts in `token.connect`, gives INVALID_INPUT; a signal that fires
   * before the join completes gives ABORTED and leaves no connection behind; a vendor failure gives
   * a CallportError (CONNECTION_FAILED unless a more precise code fits, such as UNAUTHORIZED or
   * TOKEN_EXPIRED). The returned connection's `participants()` never includes the local participant.
   */
  connect(token: Token, options: ConnectOptions): Promise<ClientConnection>
  /**
   * Gets ready to join before the user clicks Join (as LiveKit's `prepareConnection`): without a
   * token, loads the vendor SDK (the session calls it while the token is still being fetched); with
   * one, also opens what can be opened early for it. Never joins, never fails the later `connect` (a
   * failure here is only a missed head start). Present when `capabilities.prepare`.
   */
  prepare?(token: Token | undefined, options?: { signal?: AbortSignal }): Promise<void>
}
