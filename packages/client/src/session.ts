import {
  CallportError,
  connectionEventNames,
  EventEmitter,
  RoomNameSchema,
  millisecondsUntilExpiry,
  recoverableDisconnectReasons,
  toCallportError,
  type ClientAdapter,
  type ClientConnection,
  type ConnectionEvents,
  type ConnectionState,
  type DeviceKind,
  type DevicesChangedEvent,
  type LocalTrack,
  type ScreenShareOptions,
  type VendorObjectOf,
  type DisconnectedEvent,
  type Invite,
  type InviteAction,
  type JoinResponse,
  type Participant,
  type Room,
  type SessionEvents,
  type Token,
  type TrackEvent,
  abortedError,
  linkSignal,
  raceAbort,
  audioOutputDeviceId,
  setAudioOutput,
} from '@callport/core'
import { onDevicesChanged } from './devices'
import type { InviteClient } from './invites/invite-client'
import { joinOptionNames, refuseUnknownOptions, type JoinOptions, type ReconnectSettings } from './options'
import { createParticipantRoster } from './participants'
import { retryWithBackoff } from './reconnect-policy'
import { createStateMachine } from './state-machine'
import { createTokenRefresher, refreshDelayMs } from './token-refresher'
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
  /** Remote participants, as announced by `participant-joined` and `participant-left`, with the names and metadata of `participant-updated`. */
  participants(): Participant[]
  /**
   * Fetches a token for `room`, picks the adapter its `provider` names and connects; resolves when
   * connected. Rejects with INVALID_INPUT while already joined (call `leave()` first). A failed or
   * aborted join leaves the session `disconnected` (reason `join-failed`, or `client-initiated` when
   * aborted) and rejects with the CallportError (ABORTED when aborted).
   */
  join(room: string, options?: JoinOptions): Promise<Room>
  /** Leaves the room; safe in any state and idempotent. Emits `disconnected` (`client-initiated`) once. */
  leave(): Promise<void>
  /** Switches the microphone; the choice is kept for later connections too. */
  setMicrophoneEnabled(enabled: boolean): Promise<void>
  /** Switches the camera; the choice is kept for later connections too. */
  setCameraEnabled(enabled: boolean): Promise<void>
  /** Sends text to everyone, or to the given identities. UNSUPPORTED where the provider has no data channel. */
  sendData(data: string, options?: { to?: string[] }): Promise<void>
  /**
   * Invites `identity` into the current room (or `options.room`): the server rings them until they
   * join, accept or decline, or the invite is cancelled or missed. Emits `invite`.
   */
  invite(identity: string, options?: { room?: string; signal?: AbortSignal }): Promise<Invite>
  /** Accepts or declines an invite to this user, or cancels one this user sent. Emits `invite`. */
  settleInvite(id: string, action: InviteAction, options?: { signal?: AbortSignal }): Promise<Invite>
  /**
   * The tracks this participant publishes now (camera, microphone, screen share), for adapters with
   * `capabilities.localTracks`; `[]` otherwise and while not joined.
   */
  localTracks(): LocalTrack[]
  /**
   * Gets ready to join `room` before the user clicks Join: fetches the token while every configured
   * adapter with `capabilities.prepare` loads its SDK, then lets the adapter the token names warm up
   * for it. `join(room)` then uses that token (while it is not yet due for refresh). Rejects when the
   * token cannot be fetched (as `join` would); an adapter's failure to prepare is only a lost head start.
   */
  prepare(room: string, options?: { signal?: AbortSignal }): Promise<void>
  /**
   * Uses another camera, microphone or speaker (`MediaDevice.deviceId`) and emits
   * `active-device-changed`. The speaker of a `tracks` adapter (and before joining) is set by the
   * session on every element tracks are attached to (`setSinkId`; UNSUPPORTED where the browser
   * lacks it); other kinds go to the connection. UNSUPPORTED when the adapter's
   * `capabilities.switchDevice` lacks the kind; DEVICE_NOT_FOUND for an unknown device.
   */
  switchDevice(kind: DeviceKind, deviceId: string): Promise<void>
  /**
   * Starts or stops sharing a screen, window or tab (the browser asks which), with its audio when
   * `audio` is true. UNSUPPORTED when the adapter lacks `capabilities.screenShare` (or
   * `screenShareAudio` for `audio`); PERMISSION_DENIED when the user cancels the picker.
   */
  setScreenShareEnabled(enabled: boolean, options?: ScreenShareOptions): Promise<void>
  /**
   * The vendor's own object behind the live connection (the twilio-video `Room`, the
   * openvidu-browser `Session`, …), typed by the adapter, when `adapter` is the one in use; else
   * undefined. Outside the portable surface: code using it is tied to that vendor and SDK version.
   */
  vendorObject<Adapter extends ClientAdapter>(adapter: Adapter): VendorObjectOf<Adapter> | undefined
}

export interface SessionSettings {
  adapters: readonly ClientAdapter[]
  tokens: TokenSource
  refreshLeadSeconds: number | undefined
  reconnect: ReconnectSettings
  /** Where invites go: the invites endpoint of the Callport server. */
  invites: InviteClient
}

type Handlers = { [Name in keyof ConnectionEvents]?: (...args: ConnectionEvents[Name]) => boolean | void }

/** Builds a Session: the state machine, token refresh and reconnection around one adapter connection at a time. */
export function createCallSession({ adapters, tokens, refreshLeadSeconds, reconnect, invites }: SessionSettings): Session {
  const emitter = new EventEmitter<SessionEvents>()
  const emit = emitter.emit.bind(emitter)
  const machine = createStateMachine((event) => emit('connection-state-changed', event))
  const roster = createParticipantRoster()
  const tracks = new Map<string, TrackEvent>()
  const media: Pick<JoinOptions, 'audio' | 'video' | 'container'> = { audio: true, video: true }
  /** Aborted by `leave()` and by the end of the call; one per join. */
  let lifetime: AbortController | undefined
  let leaving: Promise<void> = Promise.resolve()
  let room: Room | undefined
  let token: Token | undefined
  let receivedAt = 0
  /** A refreshed token no connection has taken yet: the next reconnection uses it. */
  let pendingToken: Token | undefined
  let adapter: ClientAdapter | undefined
  let connection: ClientConnection | undefined
  let localParticipant: Participant | undefined
  let unbind = () => {}
  /** Tracks of a preview handed to `join`, kept for reconnections. */
  let previewTracks: readonly LocalTrack[] | undefined
  /** The token `prepare` fetches (or fetched) for a room, which the next `join` of that room takes. */
  let prepared: { name: string; ready: Promise<{ answer: JoinResponse; receivedAt: number }> } | undefined
  let stopWatchingDevices = () => {}

  /** Fetches a token for the current join; the newest one becomes `session.token`. */
  const fetchToken = async (name: string, current: AbortController): Promise<JoinResponse> => {
    const answer = await raceAbort(tokens(name, current.signal), current.signal)
    room = answer.room
    token = answer.token
    receivedAt = Date.now()
    return answer
  }

  /** Fetches a fresh token and hands it to the connection where it takes one (else keeps it for the next reconnection). */
  const refresh = async (handOver: boolean): Promise<Token> => {
    const current = lifetime
    if (!current || !room) throw abortedError()
    const fresh = (await fetchToken(room.name, current)).token
    if (handOver) {
      pendingToken = fresh
      if (connection?.updateToken && adapter?.capabilities.updateToken && adapter.provider === fresh.provider) {
        await connection.updateToken(fresh).catch((error: unknown) => {
          throw toCallportError(error, { code: 'CONNECTION_FAILED', provider: adapter?.provider })
        })
        pendingToken = undefined
      }
    }
    emit('token-refreshed', { token: fresh })
    return fresh
  }

  const refresher = createTokenRefresher({ refresh, leadSeconds: refreshLeadSeconds, backoff: reconnect })

  /** Connects with the adapter `next.provider` names and makes the connection the session's own. */
  const open = async (next: Token, current: AbortController): Promise<void> => {
    const chosen = adapters.find((candidate) => candidate.provider === next.provider)
    if (!chosen) {
      const configured = adapters.map((candidate) => candidate.provider).join(', ')
      throw new CallportError('UNSUPPORTED', `No adapter for provider "${next.provider}" (configured: ${configured})`, { provider: next.provider })
    }
    const { signal } = current
    const tracks = chosen.capabilities.localTracks ? previewTracks : undefined
    const connecting = (async () =>
      chosen.connect(next, { audio: true, video: true, ...media, ...(tracks && { tracks }), signal, refreshToken: () => refresher.refreshNow(false) }))().catch(
      (error: unknown) => {
        throw toCallportError(error, { code: 'CONNECTION_FAILED', provider: chosen.provider })
      },
    )
    const opened = await raceAbort(connecting, signal, (late) => void late.disconnect().catch(() => {}))
    if (signal.aborted) {
      void opened.disconnect().catch(() => {})
      throw abortedError(signal)
    }
    adapter = chosen
    connection = opened
    localParticipant = opened.localParticipant
    bind(opened)
  }

  /** The connection is up: state `connected`, participants reconciled, refresh timer armed. */
  const established = (from: 'connecting' | 'reconnecting') => {
    machine.move(from, 'connected')
    reconcile(connection?.participants() ?? [])
    if (token) refresher.schedule(token, receivedAt)
  }

  const reconcile = (current: readonly Participant[]) => {
    const { left, joined } = roster.reconcile(current)
    for (const participant of left) emit('participant-left', { participant })
    for (const participant of joined) emit('participant-joined', { participant })
  }

  /**
   * What the session does with a connection event before forwarding it to the app; `false` keeps
   * the event from the app (a participant already announced, a drop the session handles itself).
   */
  const handlers: Handlers = {
    'participant-joined': ({ participant }) => roster.add(participant),
    'participant-left': ({ participant }) => roster.remove(participant),
    'participant-updated': ({ participant }) => void roster.update(participant),
    'track-subscribed': (event) => void tracks.set(event.track.id, event),
    'track-unsubscribed': (event) => void tracks.delete(event.track.id),
    reconnecting: () => void machine.move('connected', 'reconnecting'),
    reconnected: () => void machine.move('reconnecting', 'connected'),
    'token-expiring': (event) => {
      emit('token-expiring', event)
      refresher.refreshNow().catch(() => {})
      return false
    },
    disconnected: (event) => (reconnect.maximumAttempts > 0 && recoverableDisconnectReasons.has(event.reason) ? void recover(event) : void finish(event), false),
  }

  /** Forwards every event of `bound` (`connectionEventNames`) until `release()` unbinds them. */
  const bind = (bound: ClientConnection) => {
    const events = bound as unknown as Record<'on' | 'off', (name: keyof ConnectionEvents, listener: (event: never) => void) => unknown>
    const listeners = connectionEventNames.map((name) => {
      const listener = (event: never) => (handlers[name] as ((event: never) => boolean | void) | undefined)?.(event) === false || emit(name, event)
      events.on(name, listener)
      return () => events.off(name, listener)
    })
    unbind = () => listeners.forEach((stop) => stop())
  }

  /** Lets go of the connection: its tracks are announced gone and it is told to disconnect. */
  const release = (): Promise<void> => {
    const released = connection
    unbind()
    connection = undefined
    tracks.forEach((event) => emit('track-unsubscribed', event))
    tracks.clear()
    return released ? released.disconnect().catch(() => {}) : Promise.resolve()
  }

  /** The provider dropped the call for a recoverable reason: reconnect with a fresh token, with backoff. */
  const recover = async (event: DisconnectedEvent) => {
    const current = lifetime
    if (!current) return
    refresher.stop()
    void release()
    machine.move('connected', 'reconnecting')
    try {
      await retryWithBackoff(
        async () => {
          const kept = pendingToken
          pendingToken = undefined
          await open(kept && millisecondsUntilExpiry(kept) > 0 ? kept : (await fetchToken(room?.name ?? '', current)).token, current)
        },
        { ...reconnect, signal: current.signal, onAttempt: (attempt) => emit('reconnecting', { attempt, reason: event.reason }) },
      )
      established('reconnecting')
      emit('reconnected', {})
    } catch (error) {
      if (lifetime === current) void finish({ ...event, error: toCallportError(error) })
    }
  }

  /**
   * Ends the call: cancels whatever is under way, releases the connection, tells the app that every
   * participant left, and moves to `disconnected`. Undefined when there was nothing to end.
   */
  const finish = (event: DisconnectedEvent): Promise<void> | undefined => {
    const state = machine.state
    if (state === 'idle' || state === 'disconnected') return undefined
    lifetime?.abort()
    lifetime = undefined
    refresher.stop()
    stopWatchingDevices()
    pendingToken = undefined
    const released = release()
    localParticipant = undefined
    reconcile([])
    machine.move(state, 'disconnected')
    emit('disconnected', event)
    return released
  }

  /** Emits `invite` with the invite the server answered. */
  const announced = async (request: Promise<Invite>): Promise<Invite> => {
    const invite = await request
    emit('invite', { invite })
    return invite
  }

  /** While joined: devices plugged in or removed; a chosen speaker that went away gives way to the default. */
  const devicesChanged = (event: DevicesChangedEvent) => {
    emit('devices-changed', event)
    const speaker = audioOutputDeviceId()
    if (speaker !== undefined && !event.devices.some((device) => device.kind === 'speaker' && device.deviceId === speaker)) {
      setAudioOutput('default').then(
        () => emit('active-device-changed', { kind: 'speaker', deviceId: 'default', reason: 'unplugged' }),
        () => {},
      )
    }
  }

  const unsupported = (what: string): CallportError => new CallportError('UNSUPPORTED', `The ${adapter?.provider} adapter cannot ${what}`, { provider: adapter?.provider })

  /** CONNECTION_FAILED unless connected (retryable while the session may still connect). */
  const requireConnected = () => {
    const state = machine.state
    if (state !== 'connected') throw new CallportError('CONNECTION_FAILED', `Not connected (${state})`, { retryable: state !== 'idle' && state !== 'disconnected' })
  }

  /** Runs an operation on the live connection, if any, failing as a CallportError. */
  const onConnection = async (operation: (live: ClientConnection) => Promise<void> | undefined): Promise<void> => {
    const live = connection
    if (live)
      await (async () => operation(live))().catch((error: unknown) => {
        throw toCallportError(error, { provider: adapter?.provider })
      })
  }

  const api: Omit<Session, keyof EventEmitter | 'state' | 'room' | 'token' | 'localParticipant' | 'adapter'> = {
    participants: () => roster.list(),

    async join(name, options = {}) {
      refuseUnknownOptions(options, joinOptionNames, 'join')
      const state = machine.state
      if (state !== 'idle' && state !== 'disconnected') throw new CallportError('INVALID_INPUT', `Already ${state}; leave() first`)
      const valid = RoomNameSchema.safeParse(name)
      if (!valid.success) throw new CallportError('INVALID_INPUT', valid.error.issues[0]!.message, { details: valid.error.issues })
      if (options.signal?.aborted) throw abortedError(options.signal)
      media.audio = options.audio ?? media.audio
      media.video = options.video ?? media.video
      media.container = options.container
      previewTracks = options.tracks
      const current = new AbortController()
      lifetime = current
      const unlink = linkSignal(options.signal, current)
      machine.move(state, 'connecting')
      try {
        const taken = prepared?.name === name ? prepared.ready : undefined
        prepared = undefined
        // A prepare still fetching is waited for; a failed one, or a token already due for refresh, is replaced.
        const ready = taken && (await raceAbort(taken, current.signal).catch((error: unknown) => (current.signal.aborted ? Promise.reject(error) : undefined)))
        if (ready && refreshDelayMs(ready.answer.token, ready.receivedAt, Date.now(), refreshLeadSeconds) > 0) {
          ;({ room, token } = ready.answer)
          receivedAt = ready.receivedAt
        } else await fetchToken(name, current)
        await open(token as Token, current)
        established('connecting')
        stopWatchingDevices = onDevicesChanged(devicesChanged)
        return room as Room
      } catch (error) {
        const failure = toCallportError(error)
        if (lifetime === current) void finish({ reason: failure.code === 'ABORTED' ? 'client-initiated' : 'join-failed', error: failure })
        throw failure
      } finally {
        unlink()
      }
    },

    leave: () => (leaving = finish({ reason: 'client-initiated' }) ?? leaving),

    setMicrophoneEnabled(enabled) {
      media.audio = enabled
      return onConnection((live) => live.setMicrophoneEnabled(enabled))
    },

    setCameraEnabled(enabled) {
      media.video = enabled
      return onConnection((live) => live.setCameraEnabled(enabled))
    },

    async sendData(data, options) {
      if (adapter && !adapter.capabilities.sendData) throw unsupported('send data')
      requireConnected()
      return onConnection((live) => live.sendData?.(data, options))
    },

    localTracks: () => connection?.localTracks?.() ?? [],

    async prepare(name, options = {}) {
      refuseUnknownOptions(options, ['signal'], 'prepare')
      const valid = RoomNameSchema.safeParse(name)
      if (!valid.success) throw new CallportError('INVALID_INPUT', valid.error.issues[0]!.message, { details: valid.error.issues })
      const current = new AbortController()
      const unlink = linkSignal(options.signal, current)
      const warm = (candidate: ClientAdapter, next?: Token): Promise<void> =>
        candidate.capabilities.prepare && candidate.prepare ? (async () => candidate.prepare?.(next, { signal: current.signal }))().catch(() => {}) : Promise.resolve()
      try {
        if (current.signal.aborted) throw abortedError(options.signal)
        const loading = Promise.all(adapters.map((candidate) => warm(candidate)))
        const ready = tokens(name, current.signal).then((answer) => ({ answer, receivedAt: Date.now() }))
        const entry = (prepared = { name, ready })
        const { answer } = await raceAbort(ready, current.signal).catch((error: unknown) => {
          // A cancelled or failed prepare leaves nothing for join to wait for.
          if (prepared === entry) prepared = undefined
          throw error
        })
        await raceAbort(loading, current.signal)
        const chosen = adapters.find((candidate) => candidate.provider === answer.token.provider)
        if (chosen) await raceAbort(warm(chosen, answer.token), current.signal)
      } finally {
        unlink()
      }
    },

    async switchDevice(kind, deviceId) {
      if (kind === 'speaker' && adapter?.capabilities.media !== 'view') {
        await setAudioOutput(deviceId, { provider: adapter?.provider })
        emit('active-device-changed', { kind, deviceId, reason: 'switched' })
        return
      }
      if (adapter && !adapter.capabilities.switchDevice?.includes(kind)) throw unsupported(`switch the ${kind}`)
      requireConnected()
      return onConnection((live) => live.switchDevice?.(kind, deviceId))
    },

    async setScreenShareEnabled(enabled, options = {}) {
      refuseUnknownOptions(options, ['audio'], 'setScreenShareEnabled')
      if (adapter && !adapter.capabilities.screenShare) throw unsupported('share a screen')
      if (adapter && enabled && options.audio && !adapter.capabilities.screenShareAudio) throw unsupported('share screen audio')
      requireConnected()
      return onConnection((live) => live.setScreenShareEnabled?.(enabled, options))
    },

    vendorObject: (candidate) => (candidate === adapter ? (connection?.vendor as never) : undefined),

    async invite(identity, { room: name = room?.name, signal } = {}) {
      if (!name) throw new CallportError('INVALID_INPUT', 'No room to invite to')
      return announced(invites('', { to: identity, room: name }, signal))
    },

    settleInvite: (id, action, options = {}) => announced(invites(`/${encodeURIComponent(id)}/${action}`, {}, options.signal)),
  }

  return Object.defineProperties(Object.assign(emitter, api), {
    state: { get: () => machine.state },
    room: { get: () => room },
    token: { get: () => token },
    localParticipant: { get: () => localParticipant },
    adapter: { get: () => adapter },
  }) as Session
}
