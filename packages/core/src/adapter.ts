import type { EventEmitter } from 'eventemitter3'
import type { ConnectionEvents, WebhookEvent } from './events'
import type { Participant, Room, Token } from './schemas'

export const specificationVersion = 'v1' as const

/** Inclusive bounds of the token lifetimes a provider accepts, in seconds. */
export interface TokenTtlBounds {
  min: number
  max: number
}

/**
 * What a server adapter can do. An optional method that is absent has its flag set to `false`.
 */
export interface ServerCapabilities {
  getRoom: boolean
  listParticipants: boolean
  removeParticipant: boolean
  closeRoom: boolean
  webhooks: boolean
  tokenTtlSeconds: TokenTtlBounds
}

export interface EnsureRoomOptions {
  /** The app's room name (already validated against `RoomNameSchema`). */
  name: string
  signal?: AbortSignal
}

export interface IssueTokenOptions {
  room: Room
  participant: Participant
  ttlSeconds: number
  signal?: AbortSignal
}

export interface RoomOperationOptions {
  room: Room
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

/** The server half of a provider: runs where secrets live. */
export interface ServerAdapter {
  readonly specificationVersion: typeof specificationVersion
  readonly provider: string
  readonly capabilities: ServerCapabilities
  /** Idempotent create-or-get. */
  ensureRoom(options: EnsureRoomOptions): Promise<Room>
  issueToken(options: IssueTokenOptions): Promise<Token>
  /** Null when the room does not exist (or is no longer live) on the provider. */
  getRoom?(options: EnsureRoomOptions): Promise<Room | null>
  listParticipants?(options: RoomOperationOptions): Promise<Participant[]>
  removeParticipant?(options: RoomOperationOptions & { identity: string }): Promise<void>
  closeRoom?(options: RoomOperationOptions): Promise<void>
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

/** One participant's live connection, as a client adapter returns it from `connect`. */
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

/** The client half of a provider: runs in the browser and never sees a secret. */
export interface ClientAdapter {
  readonly specificationVersion: typeof specificationVersion
  readonly provider: string
  readonly capabilities: ClientCapabilities
  connect(token: Token, options: ConnectOptions): Promise<ClientConnection>
}
