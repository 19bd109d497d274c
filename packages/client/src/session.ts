import {
  CallportError,
  EventEmitter,
  RoomNameSchema,
  millisecondsUntilExpiry,
  recoverableDisconnectReasons,
  toCallportError,
  type ClientAdapter,
  type ClientConnection,
  type ConnectionEvents,
  type ConnectionState,
  type DisconnectedEvent,
  type JoinResponse,
  type Participant,
  type Room,
  type SessionEvents,
  type Token,
  type TrackEvent,
} from '@callport/core'
import { abortedError, linkSignal, raceAbort } from './abort'
import type { JoinOptions, ReconnectSettings } from './options'
import { ParticipantRoster } from './participants'
import { retryWithBackoff } from './reconnect-policy'
import { StateMachine } from './state-machine'
import { createTokenRefresher, type TokenRefresher } from './token-refresher'
import type { TokenSource } from './token-source'

/**
 * One participant's live connection to a room, on whichever provider the token names. Emits the
 * typed `SessionEvents`; the state goes `idle → connecting → connected ⇄ reconnecting → disconnected`.
 */
export interface Session extends EventEmitter<SessionEvents> {
  readonly state: ConnectionState
  /** The room of the current (or last) join. */
  readonly room: Room | undefined
  /** The newest token, refreshed ones included. */
  readonly token: Token | undefined
  /** This participant, while a connection exists. */
  readonly localParticipant: Participant | undefined
  /** The adapter the token picked; read its `capabilities`. */
  readonly adapter: ClientAdapter | undefined
  /** Remote participants, as announced by `participant-joined` and `participant-left`. */
  participants(): Participant[]
  /**
   * Fetches a token for `room`, picks the adapter its `provider` names and connects; resolves when
   * connected. Rejects with INVALID_INPUT while already joined (call `leave()` first).
   */
  join(room: string, options?: JoinOptions): Promise<Room>
  /** Leaves the room; safe in any state and idempotent. Emits `disconnected` (`client-initiated`) once. */
  leave(): Promise<void>
  setMicrophoneEnabled(enabled: boolean): Promise<void>
  setCameraEnabled(enabled: boolean): Promise<void>
  /** Sends text to everyone, or to the given identities. UNSUPPORTED where the provider has no data channel. */
  sendData(data: string, options?: { to?: string[] }): Promise<void>
}

interface Settings {
  adapters: readonly ClientAdapter[]
  tokens: TokenSource
  refreshLeadSeconds: number | undefined
  reconnect: ReconnectSettings
}

type Media = Required<Pick<JoinOptions, 'audio' | 'video'>> & Pick<JoinOptions, 'container'>
type Handlers = { [Name in keyof ConnectionEvents]: (...args: ConnectionEvents[Name]) => void }

export class CallSession extends EventEmitter<SessionEvents> implements Session {
  readonly #settings: Settings
  readonly #machine = new StateMachine((event) => this.emit('connection-state-changed', event))
  readonly #roster = new ParticipantRoster()
  readonly #tracks = new Map<string, TrackEvent>()
  readonly #refresher: TokenRefresher
  #media: Media = { audio: true, video: true }
  /** Aborted by `leave()` and by the end of the call; one per join. */
  #lifetime: AbortController | undefined
  #leaving: Promise<void> = Promise.resolve()
  #room: Room | undefined
  #token: Token | undefined
  #receivedAt = 0
  /** A refreshed token no connection has taken yet: the next reconnection uses it. */
  #pendingToken: Token | undefined
  #adapter: ClientAdapter | undefined
  #connection: ClientConnection | undefined
  #localParticipant: Participant | undefined
  #unbind: () => void = () => {}

  constructor(settings: Settings) {
    super()
    this.#settings = settings
    this.#refresher = createTokenRefresher({
      refresh: (handOver) => this.#refresh(handOver),
      leadSeconds: settings.refreshLeadSeconds,
      backoff: settings.reconnect,
    })
  }

  get state(): ConnectionState {
    return this.#machine.state
  }
  get room(): Room | undefined {
    return this.#room
  }
  get token(): Token | undefined {
    return this.#token
  }
  get localParticipant(): Participant | undefined {
    return this.#localParticipant
  }
  get adapter(): ClientAdapter | undefined {
    return this.#adapter
  }

  participants(): Participant[] {
    return this.#roster.list()
  }

  async join(room: string, options: JoinOptions = {}): Promise<Room> {
    const state = this.state
    if (state !== 'idle' && state !== 'disconnected') {
      throw new CallportError('INVALID_INPUT', `The session is already ${state}; call leave() before joining again`)
    }
    const name = RoomNameSchema.safeParse(room)
    if (!name.success) throw new CallportError('INVALID_INPUT', name.error.issues[0]?.message ?? 'Invalid room name', { details: name.error.issues })
    if (options.signal?.aborted) throw abortedError(options.signal)
    this.#media = { audio: options.audio ?? this.#media.audio, video: options.video ?? this.#media.video, container: options.container }
    const lifetime = new AbortController()
    this.#lifetime = lifetime
    const unlink = linkSignal(options.signal, lifetime)
    this.#machine.move(state, 'connecting')
    try {
      const { token } = await this.#fetchToken(room, lifetime)
      await this.#open(token, lifetime)
      this.#established('connecting')
      return this.#room as Room
    } catch (error) {
      const failure = toCallportError(error)
      if (this.#lifetime === lifetime) {
        void this.#finish({ reason: failure.code === 'ABORTED' ? 'client-initiated' : 'join-failed', error: failure })
      }
      throw failure
    } finally {
      unlink()
    }
  }

  leave(): Promise<void> {
    this.#leaving = this.#finish({ reason: 'client-initiated' }) ?? this.#leaving
    return this.#leaving
  }

  setMicrophoneEnabled(enabled: boolean): Promise<void> {
    this.#media.audio = enabled
    return this.#call((connection) => connection.setMicrophoneEnabled(enabled))
  }

  setCameraEnabled(enabled: boolean): Promise<void> {
    this.#media.video = enabled
    return this.#call((connection) => connection.setCameraEnabled(enabled))
  }

  async sendData(data: string, options?: { to?: string[] }): Promise<void> {
    const adapter = this.#adapter
    const connection = this.#connection
    if (adapter && !adapter.capabilities.sendData) {
      throw new CallportError('UNSUPPORTED', `The ${adapter.provider} adapter cannot send data`, { provider: adapter.provider })
    }
    if (this.state !== 'connected' || !connection?.sendData) {
      throw new CallportError('CONNECTION_FAILED', `Cannot send data while the session is ${this.state}`, { retryable: this.state !== 'idle' && this.state !== 'disconnected' })
    }
    return this.#call(() => connection.sendData?.(data, options))
  }

  /** Runs an operation on the live connection (none: only the preference is kept), as a CallportError. */
  async #call(operation: (connection: ClientConnection) => Promise<void> | undefined): Promise<void> {
    const connection = this.#connection
    if (!connection) return
    try {
      await operation(connection)
    } catch (error) {
      throw toCallportError(error, { provider: this.#adapter?.provider })
    }
  }

  /** Fetches a token for the session's current join; the newest token becomes `session.token`. */
  async #fetchToken(room: string, lifetime: AbortController): Promise<JoinResponse> {
    const answer = await raceAbort(this.#settings.tokens(room, lifetime.signal), lifetime.signal)
    this.#room = answer.room
    this.#token = answer.token
    this.#receivedAt = Date.now()
    return answer
  }

  /** Connects with the adapter `token.provider` names and makes the connection the session's own. */
  async #open(token: Token, lifetime: AbortController): Promise<ClientConnection> {
    const { adapters } = this.#settings
    const adapter = adapters.find((candidate) => candidate.provider === token.provider)
    if (!adapter) {
      const configured = adapters.map((candidate) => candidate.provider).join(', ')
      throw new CallportError('UNSUPPORTED', `No adapter for provider "${token.provider}" (configured adapters: ${configured})`, { provider: token.provider })
    }
    const { signal } = lifetime
    const { audio, video, container } = this.#media
    const connecting = (async () => {
      try {
        return await adapter.connect(token, { audio, video, container, signal, refreshToken: () => this.#refresher.refreshNow(false) })
      } catch (error) {
        throw toCallportError(error, { code: 'CONNECTION_FAILED', provider: adapter.provider })
      }
    })()
    const connection = await raceAbort(connecting, signal, (late) => void late.disconnect().catch(() => {}))
    if (signal.aborted) {
      void connection.disconnect().catch(() => {})
      throw abortedError(signal)
    }
    this.#adapter = adapter
    this.#connection = connection
    this.#localParticipant = connection.localParticipant
    this.#bind(connection)
    if (this.#media.audio !== audio) void this.setMicrophoneEnabled(this.#media.audio).catch(() => {})
    if (this.#media.video !== video) void this.setCameraEnabled(this.#media.video).catch(() => {})
    return connection
  }

  /** The connection is up: state `connected`, participants reconciled, refresh timer armed. */
  #established(from: 'connecting' | 'reconnecting'): void {
    this.#machine.move(from, 'connected')
    this.#reconcile(this.#connection?.participants() ?? [])
    if (this.#token) this.#refresher.schedule(this.#token, this.#receivedAt)
  }

  #reconcile(current: readonly Participant[]): void {
    const { left, joined } = this.#roster.reconcile(current)
    for (const participant of left) this.emit('participant-left', participant, {})
    for (const participant of joined) this.emit('participant-joined', participant, {})
  }

  /** Forwards the connection's events while it is the session's connection. */
  #bind(connection: ClientConnection): void {
    const handlers: Handlers = {
      'participant-joined': (participant, context) => {
        if (this.#roster.add(participant)) this.emit('participant-joined', participant, context)
      },
      'participant-left': (participant, context) => {
        if (this.#roster.remove(participant)) this.emit('participant-left', participant, context)
      },
      'track-subscribed': (event) => {
        this.#tracks.set(event.track.sid, event)
        this.emit('track-subscribed', event)
      },
      'track-unsubscribed': (event) => {
        this.#tracks.delete(event.track.sid)
        this.emit('track-unsubscribed', event)
      },
      'data-received': (event) => this.emit('data-received', event),
      reconnecting: (event) => {
        this.#machine.move('connected', 'reconnecting')
        this.emit('reconnecting', event)
      },
      reconnected: (context) => {
        this.#machine.move('reconnecting', 'connected')
        this.emit('reconnected', context)
      },
      'token-expiring': (event) => {
        this.emit('token-expiring', event)
        this.#refresher.refreshNow().catch(() => {})
      },
      disconnected: (event) => {
        if (this.#settings.reconnect.maxAttempts > 0 && recoverableDisconnectReasons.has(event.reason)) void this.#recover(event)
        else void this.#finish(event)
      },
    }
    const names = Object.keys(handlers) as (keyof ConnectionEvents)[]
    const listeners = names.map((name) => {
      const listener = (...args: unknown[]) => {
        if (this.#connection === connection) (handlers[name] as (...values: unknown[]) => void)(...args)
      }
      connection.on(name, listener)
      return () => connection.off(name, listener)
    })
    this.#unbind = () => listeners.forEach((off) => off())
  }

  /** Lets go of the connection: its tracks are announced gone and it is told to disconnect. */
  #release(): Promise<void> {
    const connection = this.#connection
    this.#unbind()
    this.#connection = undefined
    for (const event of this.#tracks.values()) this.emit('track-unsubscribed', event)
    this.#tracks.clear()
    return connection ? connection.disconnect().catch(() => {}) : Promise.resolve()
  }

  /** The provider dropped the call for a recoverable reason: reconnect with a fresh token, with backoff. */
  async #recover(event: DisconnectedEvent): Promise<void> {
    const lifetime = this.#lifetime
    if (!lifetime) return
    this.#refresher.stop()
    void this.#release()
    this.#machine.move('connected', 'reconnecting')
    try {
      await retryWithBackoff(
        async () => {
          const pending = this.#pendingToken
          this.#pendingToken = undefined
          const token = pending && millisecondsUntilExpiry(pending) > 0 ? pending : (await this.#fetchToken(this.#room?.name ?? '', lifetime)).token
          return this.#open(token, lifetime)
        },
        { ...this.#settings.reconnect, attempts: this.#settings.reconnect.maxAttempts, signal: lifetime.signal, onAttempt: (attempt) => this.emit('reconnecting', { attempt, reason: event.reason }) },
      )
      this.#established('reconnecting')
      this.emit('reconnected', {})
    } catch (error) {
      if (this.#lifetime === lifetime) void this.#finish({ ...event, error: toCallportError(error) })
    }
  }

  /** Fetches a fresh token for the current join and hands it to the connection where it takes one. */
  async #refresh(handOver: boolean): Promise<Token> {
    const lifetime = this.#lifetime
    const room = this.#room
    if (!lifetime || !room) throw abortedError()
    const { token } = await this.#fetchToken(room.name, lifetime)
    const connection = this.#connection
    const adapter = this.#adapter
    if (handOver) {
      this.#pendingToken = token
      if (connection?.updateToken && adapter?.capabilities.updateToken && adapter.provider === token.provider) {
        try {
          await connection.updateToken(token)
        } catch (error) {
          throw toCallportError(error, { code: 'CONNECTION_FAILED', provider: adapter.provider })
        }
        this.#pendingToken = undefined
      }
    }
    this.emit('token-refreshed', { token })
    return token
  }

  /**
   * Ends the call: cancels whatever is under way, releases the connection, tells the app that every
   * participant left, and moves to `disconnected`. Undefined when there was nothing to end.
   */
  #finish(event: DisconnectedEvent): Promise<void> | undefined {
    const state = this.state
    if (state === 'idle' || state === 'disconnected') return undefined
    this.#lifetime?.abort()
    this.#lifetime = undefined
    this.#refresher.stop()
    this.#pendingToken = undefined
    const released = this.#release()
    this.#localParticipant = undefined
    this.#reconcile([])
    this.#machine.move(state, 'disconnected')
    this.emit('disconnected', event)
    return released
  }
}
