import {
  CallportError,
  EventEmitter,
  type ClientAdapter,
  type ClientCapabilities,
  type ClientConnection,
  type ConnectionEvents,
  type ConnectOptions,
  type DeviceKind,
  type LocalTrack,
  type Participant,
  type ScreenShareOptions,
  type SessionEventName,
  type Token,
} from '@callport/core'
import { expect, vi } from 'vitest'
import type { Session } from '../src/index'

/** A remote participant with the given identity. */
export function participant(identity: string): Participant {
  return { identity, role: 'publisher' }
}

let issued = 0

/** A token for `room` (default `standup`) that expires `lifetimeSeconds` from the (possibly fake) clock. */
export function makeToken(options: { room?: string; provider?: string; lifetimeSeconds?: number } = {}): Token {
  issued += 1
  return {
    provider: options.provider ?? 'stub',
    room: options.room ?? 'standup',
    providerRoomId: `provider-${options.room ?? 'standup'}`,
    identity: 'alice',
    value: `credential-${issued}`,
    expiresAt: new Date(Date.now() + (options.lifetimeSeconds ?? 3600) * 1000).toISOString(),
    connect: { url: 'wss://stub.invalid' },
  }
}

/** A connection whose events the test emits by hand. */
export class StubConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant = participant('alice')
  readonly setMicrophoneEnabled = vi.fn(async (_enabled: boolean) => {})
  readonly setCameraEnabled = vi.fn(async (_enabled: boolean) => {})
  readonly disconnect = vi.fn(async () => {})
  updateToken?: ReturnType<typeof vi.fn<(token: Token) => Promise<void>>>
  sendData?: ReturnType<typeof vi.fn<(data: string, options?: { to?: string[] }) => Promise<void>>>
  localTracks?: ReturnType<typeof vi.fn<() => LocalTrack[]>>
  switchDevice?: ReturnType<typeof vi.fn<(kind: DeviceKind, deviceId: string) => Promise<void>>>
  setScreenShareEnabled?: ReturnType<typeof vi.fn<(enabled: boolean, options?: ScreenShareOptions) => Promise<void>>>
  /** What `session.vendorObject(adapter)` returns for this connection. */
  readonly vendor: StubVendor

  constructor(
    readonly token: Token,
    readonly options: ConnectOptions,
    public remote: Participant[],
  ) {
    super()
    this.vendor = { room: token.providerRoomId }
  }

  participants(): Participant[] {
    return [...this.remote]
  }
}

/** The stub's "vendor object". */
export interface StubVendor {
  room: string
}

type Connect = (token: Token, options: ConnectOptions) => Promise<ClientConnection>

export interface StubAdapter extends ClientAdapter {
  /** Every connection this adapter handed out, oldest first. */
  readonly connections: StubConnection[]
  /** The token of every connect call, including failed ones. */
  readonly connectTokens: Token[]
  /** Remote participants that new connections report as already present. */
  remote: Participant[]
  /** Replaces the next connect calls, one each (for failures, hangs…). */
  readonly nextConnects: Connect[]
  /** The newest connection (throws when there is none). */
  last(): StubConnection
  connect(token: Token, options: ConnectOptions): Promise<StubConnection>
  /** Present when `capabilities.prepare`: records its calls. */
  prepare?: ReturnType<typeof vi.fn<(token: Token | undefined, options?: { signal?: AbortSignal }) => Promise<void>>>
}

/** A client adapter whose connections are StubConnections. */
export function stubAdapter(provider = 'stub', capabilities: Partial<ClientCapabilities> = {}): StubAdapter {
  const resolved: ClientCapabilities = { media: 'tracks', updateToken: false, sendData: false, ...capabilities }
  const adapter: StubAdapter = {
    specificationVersion: 'v1',
    provider,
    capabilities: resolved,
    connections: [],
    connectTokens: [],
    remote: [],
    nextConnects: [],
    last() {
      const connection = adapter.connections.at(-1)
      if (!connection) throw new Error(`The ${provider} adapter has no connection yet`)
      return connection
    },
    async connect(token, options) {
      adapter.connectTokens.push(token)
      const replacement = adapter.nextConnects.shift()
      if (replacement) return replacement(token, options) as Promise<StubConnection>
      const connection = new StubConnection(token, options, adapter.remote)
      if (resolved.updateToken) connection.updateToken = vi.fn(async (_token: Token) => {})
      if (resolved.sendData) connection.sendData = vi.fn(async (_data: string, _options?: { to?: string[] }) => {})
      if (resolved.localTracks) connection.localTracks = vi.fn(() => [...(options.tracks ?? [])])
      if (resolved.switchDevice?.length) connection.switchDevice = vi.fn(async (_kind: DeviceKind, _deviceId: string) => {})
      if (resolved.screenShare) connection.setScreenShareEnabled = vi.fn(async (_enabled: boolean, _options?: ScreenShareOptions) => {})
      adapter.connections.push(connection)
      return connection
    },
  }
  if (resolved.prepare) adapter.prepare = vi.fn(async (_token: Token | undefined, _options?: { signal?: AbortSignal }) => {})
  return adapter
}

/** Records the session events named, in order, as `[name, first argument]`. */
export function recordEvents(session: Session, names: readonly SessionEventName[]): Array<[SessionEventName, unknown]> {
  const seen: Array<[SessionEventName, unknown]> = []
  const on = session.on as (name: SessionEventName, listener: (value: unknown) => void) => unknown
  for (const name of names) on.call(session, name, (value) => seen.push([name, value]))
  return seen
}

/** A promise with its resolve and reject functions, for steps a test releases by hand. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve
    reject = onReject
  })
  return { promise, resolve, reject }
}

/** The CallportError `promise` rejects with (fails the test when it resolves or rejects with anything else). */
export async function rejectionOf(promise: Promise<unknown>): Promise<CallportError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  if (!CallportError.isInstance(error)) throw new Error(`expected a CallportError, got ${String(error)}`)
  return error
}

/**
 * With fake timers: advances to 1 ms before `delay` and checks that `count` has not moved, then
 * to `delay` and checks that it grew by exactly one.
 */
export async function expectOneMoreAfter(count: () => number, delay: number): Promise<void> {
  const before = count()
  await vi.advanceTimersByTimeAsync(delay - 1)
  expect(count()).toBe(before)
  await vi.advanceTimersByTimeAsync(1)
  expect(count()).toBe(before + 1)
}
