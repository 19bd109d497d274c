import type { EventEmitter } from 'eventemitter3'
import type { ConnectionEvents, WebhookEvent } from './events'
import type { Participant, Room, Token } from './schemas'

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
  /** The most participants one room can hold on this vendor, when it has a limit (as on the server half). */
  maximumParticipants?: number
}

export interface ConnectOptions {
  audio: boolean
  video: boolean
  /** Where a `view`-style provider renders its UI. */
  container?: HTMLElement
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
}

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
}
