import {
  CallportError,
  EventEmitter,
  abortedError,
  toCallportError,
  type ClientConnection,
  type ConnectionEvents,
  type ConnectOptions,
  type DeviceKind,
  type DisconnectReason,
  type LocalTrack,
  type Participant,
  type ScreenShareOptions,
  type Token,
  type TrackKind,
} from '@callport/core'
import { audioLevelMeter, monitorActiveSpeakers, monitorConnectionQuality } from '@callport/provider-utils/client'
import * as z from 'zod/mini'
import {
  DEFAULT_MEMBER_ROLE,
  KickSchema,
  MemberRoleSchema,
  MuteSchema,
  REQUEST_EVENT,
  ReceivedJoinResultSchema,
  ReceivedMemberPropsSchema,
  ReceivedMemberSchema,
  RelayedRequestSchema,
  RoomIdResultSchema,
  TokenUpdateResultSchema,
  serverEvents,
  toMember,
  toMemberProps,
  type ConnectionInfo,
  type Kick,
  type MemberProps,
  type Request,
} from '../shared/protocol'
import type { ResolvedClientOptions } from './client-options'
import { disconnectReasonOfKick } from './errors'
import type { SignalingSocket, SocketFactory } from './load-sdk'
import { LocalMedia, type LocalSource } from './local-media'
import { PeerLink, type PeerSignal } from './peer-link'
import type { RemoteMember } from './remote-member'
import { rtcConfigurationFor } from './ice-servers'
import { RoomRoster } from './room-roster'
import { reconnectDelay, sleep, tokenForReconnection } from './reconnect-policy'
import { openSocket, sendRequest } from './signaling-socket'
import { resolveWebrtc, type ResolvedWebrtc } from './webrtc'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

type Phase = 'connecting' | 'connected' | 'reconnecting' | 'closed'

interface JoinedSession {
  socket: SignalingSocket
  info: ConnectionInfo
  joined: z.infer<typeof ReceivedJoinResultSchema>
}

/** What a data message may hold, in UTF-16 code units (the protocol's limit). */
const MAX_DATA_LENGTH = 16 * 1024
/** How long a kept peer connection may take to be up again (after an ICE restart) once re-joined. */
const RESUME_TIMEOUT_MILLISECONDS = 10_000
/** How long `disconnect()` waits for the server to acknowledge `leave`. */
const LEAVE_TIMEOUT_MILLISECONDS = 1000

const UnknownResultSchema = z.unknown()

function connectionFailed(message: string, retryable = true): CallportError {
  return new CallportError('CONNECTION_FAILED', message, { provider: SIGNALING_PROVIDER, retryable })
}

/**
 * The role a signaling token's claims name, read without verifying it (the server verifies): only to
 * know before joining that the member is a subscriber and capture no media. Undefined when unreadable.
 */
export function roleClaimOf(tokenValue: string): string | undefined {
  try {
    const payload = tokenValue.split('.')[1]
    if (payload === undefined) return undefined
    const claims: unknown = JSON.parse(atob(payload.replaceAll('-', '+').replaceAll('_', '/')))
    return typeof claims === 'object' && claims !== null && 'role' in claims && typeof claims.role === 'string' ? claims.role : undefined
  } catch {
    return undefined
  }
}

/**
 * The error of a kick (`on_kick`): TOKEN_EXPIRED for an expired token, else CONNECTION_FAILED, not
 * retryable (joining again would only kick the other connection of the same identity) except for
 * `server_shutdown` (the server, or another process behind the same address, takes connections
 * again); `vendor.body` is the kick, whose `reason` says why.
 */
function kickError(kick: Kick): CallportError {
  return new CallportError(kick.reason === 'token_expired' ? 'TOKEN_EXPIRED' : 'CONNECTION_FAILED', kick.message, {
    provider: SIGNALING_PROVIDER,
    vendor: { status: 0, body: kick },
    retryable: kick.reason === 'server_shutdown',
  })
}

/**
 * The signaling connection's own objects (`connection.vendor`, `session.vendorObject(signaling)`):
 * outside the portable surface, tied to this package's version.
 */
export interface SignalingVendorObject {
  /** The socket.io-client socket to the signaling server (a new one after each reconnection); undefined once closed. */
  readonly socket: SignalingSocket | undefined
  /** The peer connection to each remote participant, by identity. */
  readonly peerConnections: ReadonlyMap<string, RTCPeerConnection>
}

/**
 * One participant's connection to a signaling room: the socket.io session with the signaling server
 * and, where WebRTC exists, a mesh of peer connections to every other member.
 *
 * When the socket drops (or the server kicks everyone with `server_shutdown`: it is restarting), the
 * connection emits `reconnecting`, opens a new socket (with a fresh token when the current one is
 * about to expire), re-joins and emits `reconnected`. Throughout, the local media and the peer
 * connections stay as they are (the media is peer to peer): a member in the new member list keeps
 * its peer connection, which is left alone while it works (no offer, no ICE restart) and gets an
 * ICE restart only when ICE failed; a member missing from the list (not back yet, after a server
 * restart) is kept for the grace period while the peer connection to it works, and rebound when it
 * re-joins. If the socket cannot come back in time the connection emits `disconnected`
 * (`connection-lost`, or `server-shutdown` after a shutdown kick) so that the session reconnects from
 * scratch.
 */
export class SignalingConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly #options: ResolvedClientOptions
  readonly #createSocket: SocketFactory
  /** The socket `prepare(token)` opened for this token, taken by the first join. */
  #prepared: Promise<PreparedSocket | undefined> | undefined
  readonly #webrtc: ResolvedWebrtc
  readonly #refreshToken: () => Promise<Token>
  readonly #media: LocalMedia
  readonly #roster: RoomRoster
  #token: Token
  #localParticipant: Participant
  #props: MemberProps
  #phase: Phase = 'connecting'
  #socket: SignalingSocket | undefined
  #kick: Kick | undefined
  /** Server events that arrived before the member list did; applied right after it. */
  #deferred: (() => void)[] | undefined
  #reconnection: AbortController | undefined
  #stopMonitors: (() => void)[] = []
  /** The local microphone's level meter, per sender (each measures since its previous read). */
  readonly #meters = new WeakMap<RTCRtpSender, () => Promise<number>>()
  /**
   * A subscriber's connection: it captures nothing, announces no audio or video, and its peer
   * connections only receive (the signaling server refuses anything else from a subscriber anyway).
   */
  #receiveOnly: boolean

  private constructor(token: Token, connectOptions: ConnectOptions, options: ResolvedClientOptions, createSocket: SocketFactory) {
    super()
    this.#token = token
    this.#options = options
    this.#createSocket = createSocket
    this.#refreshToken = connectOptions.refreshToken
    this.#webrtc = resolveWebrtc(options.webrtc)
    this.#media = new LocalMedia(this.#webrtc, {
      send: async (source, track) => void (await Promise.all(this.#roster.links().map((link) => link.setTrack(source, track)))),
      screenShared: (sharing) => this.#announce({ screen: sharing ? (this.#media.screenStream?.id ?? '') : '' }),
      emit: (name, track) => this.emit(name, { track }),
      deviceChanged: (event) => this.emit('active-device-changed', event),
    })
    const media = this.#media.available
    this.#receiveOnly = options.password === undefined && roleClaimOf(token.value) === 'subscriber'
    const stream = this.#media.stream?.id
    this.#props = {
      ...(options.displayName === undefined ? {} : { display_name: options.displayName }),
      audio: connectOptions.audio && media && !this.#receiveOnly,
      video: connectOptions.video && media && !this.#receiveOnly,
      ...(stream === undefined ? {} : { stream }),
    }
    this.#localParticipant = { identity: token.identity, role: 'publisher' }
    this.#roster = new RoomRoster({
      identity: token.identity,
      graceMilliseconds: options.peerReconnectGraceMilliseconds,
      resumeMilliseconds: RESUME_TIMEOUT_MILLISECONDS,
      connect: (remote) => this.#connectPeer(remote),
      events: this,
    })
  }

  /** Connects: captures media and joins the room at the same time; resolves once both are done. */
  static async open(
    token: Token,
    connectOptions: ConnectOptions,
    options: ResolvedClientOptions,
    createSocket: SocketFactory,
    prepared?: Promise<PreparedSocket | undefined>,
  ): Promise<SignalingConnection> {
    const connection = new SignalingConnection(token, connectOptions, options, createSocket)
    connection.#prepared = prepared
    try {
      await connection.#start(connectOptions)
      return connection
    } catch (error) {
      connection.#close()
      throw toCallportError(error, { provider: SIGNALING_PROVIDER })
    }
  }

  get localParticipant(): Participant {
    return this.#localParticipant
  }

  participants(): Participant[] {
    return this.#roster.participants()
  }

  setMicrophoneEnabled(enabled: boolean): Promise<void> {
    return this.#setEnabled('audio', enabled)
  }

  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.#setEnabled('video', enabled)
  }

  /** The tracks this participant publishes: the page's own (handed to `join`), and what the adapter captured. */
  localTracks(): LocalTrack[] {
    return this.#media.list()
  }

  /** Captures from another camera or microphone and sends it instead (no renegotiation); the speaker is the session's. */
  async switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (kind === 'speaker') throw new CallportError('UNSUPPORTED', 'The session switches the speaker itself (setSinkId)', { provider: SIGNALING_PROVIDER })
    if (this.#phase !== 'closed') await this.#media.switchDevice(kind, deviceId)
  }

  /** Shares a screen, window or tab (`getDisplayMedia`) with everyone, as a second video track (and its audio). */
  async setScreenShareEnabled(enabled: boolean, options: ScreenShareOptions = {}): Promise<void> {
    if (this.#phase === 'closed') return
    this.#refuseIfReceiveOnly(enabled, 'share a screen')
    await this.#media.setScreenShare(enabled, options.audio === true)
  }

  get vendor(): SignalingVendorObject {
    return { socket: this.#phase === 'closed' ? undefined : this.#socket, peerConnections: this.#roster.peerConnections() }
  }

  async disconnect(): Promise<void> {
    if (this.#phase === 'closed') return
    const socket = this.#phase === 'connected' ? this.#socket : undefined
    // Closing the peer connections first lets the peers see this member go at once.
    this.#roster.close()
    this.#close()
    if (socket?.connected) {
      await sendRequest(socket, { type: 'auth', command: { command: 'leave' } }, UnknownResultSchema, LEAVE_TIMEOUT_MILLISECONDS).catch(() => undefined)
    }
    socket?.disconnect()
  }

  /** Hands the server a fresh credential for the same room and identity (`token_update`). */
  async updateToken(token: Token): Promise<void> {
    if (token.provider !== SIGNALING_PROVIDER || token.room !== this.#token.room || token.identity !== this.#token.identity) {
      throw new CallportError('INVALID_INPUT', 'updateToken needs a signaling token for the same room and identity', { provider: SIGNALING_PROVIDER })
    }
    if (this.#phase === 'connected' && this.#socket && this.#options.password === undefined) {
      await this.#request({ type: 'auth', command: { command: 'token_update', token: token.value } }, TokenUpdateResultSchema)
    }
    // While reconnecting, the next socket connects with it.
    this.#token = token
  }

  /** Sends text to everyone else in the room, or to the given identities (relayed by the server). */
  async sendData(data: string, options: { to?: string[] } = {}): Promise<void> {
    if (data.length > MAX_DATA_LENGTH) {
      throw new CallportError('PAYLOAD_TOO_LARGE', `A data message may hold at most ${MAX_DATA_LENGTH} characters`, { provider: SIGNALING_PROVIDER })
    }
    const command = { command: 'data' as const, data }
    if (options.to === undefined) {
      await this.#request({ type: 'command', command }, UnknownResultSchema)
      return
    }
    const targets = options.to.map((identity) => {
      const remote = this.#roster.byIdentity(identity)
      if (!remote) throw new CallportError('PARTICIPANT_NOT_FOUND', `No participant ${JSON.stringify(identity)} in the room`, { provider: SIGNALING_PROVIDER })
      return remote.id
    })
    await Promise.all(targets.map((to) => this.#request({ type: 'command', to, command }, UnknownResultSchema)))
  }

  async #start({ signal, tracks }: ConnectOptions): Promise<void> {
    const [media, session] = await Promise.allSettled([this.#media.start({ audio: !!this.#props.audio, video: !!this.#props.video }, tracks), this.#join(this.#token, signal)])
    if (session.status === 'rejected') throw session.reason
    // The server said subscriber although the token did not (a password credential): publish nothing.
    if (this.#receiveOnly) this.#media.stop()
    else if (media.status === 'rejected') {
      session.value.socket.disconnect()
      throw media.reason
    }
    if (signal?.aborted) {
      session.value.socket.disconnect()
      throw abortedError(signal, SIGNALING_PROVIDER)
    }
    // The join was answered, and then the socket was kicked or closed before this ran (packets that
    // arrive together, over long-polling, are handled in one go): say so instead of pretending to be in.
    if (!session.value.socket.connected) {
      session.value.socket.disconnect()
      throw this.#kick ? kickError(this.#kick) : connectionFailed('The signaling socket closed right after joining')
    }
    this.#adopt(session.value, false)
    this.#phase = 'connected'
    this.#monitor()
  }

  /** Active speakers (audio levels of the receivers and of the local microphone) and connection quality (getStats), measured in the page. */
  #monitor(): void {
    if (!this.#webrtc.RTCPeerConnection) return
    const remotes = () => this.#roster.remotes().flatMap((remote) => (remote.link ? [{ participant: remote.participant, connection: remote.link.connection }] : []))
    this.#stopMonitors = [
      monitorActiveSpeakers({
        sources: () => [
          ...remotes().flatMap(({ participant, connection }) =>
            connection
              .getReceivers()
              .filter((receiver) => receiver.track.kind === 'audio')
              .map((receiver) => ({ participant, receiver })),
          ),
          { participant: this.#localParticipant, levelOf: () => this.#localLevel() },
        ],
        onChange: (speakers) => this.emit('active-speakers-changed', { speakers }),
      }),
      monitorConnectionQuality({
        sources: () =>
          remotes().flatMap(({ participant, connection }) => [
            { participant, local: false, peerConnection: connection },
            { participant: this.#localParticipant, local: true, peerConnection: connection },
          ]),
        onChange: (change) => this.emit('connection-quality-changed', change),
      }),
    ]
  }

  /** The local microphone's level, from its sender's stats (0 while muted: a muted track sends silence). */
  async #localLevel(): Promise<number> {
    if (!this.#media.isEnabled('audio')) return 0
    const track = this.#media.sending().find(([source]) => source === 'microphone')?.[1]
    const sender = this.#roster
      .links()
      .flatMap((link) => link.connection.getSenders())
      .find((candidate) => candidate.track === track)
    if (!sender) return 0
    let meter = this.#meters.get(sender)
    if (!meter) this.#meters.set(sender, (meter = audioLevelMeter(sender)))
    return meter()
  }

  /**
   * Opens a socket to the token's server and gets the room id of its room, without joining: what
   * `prepare(token)` does ahead of the click, so that the join only sends `join`.
   */
  static async prepareSocket(token: Token, options: ResolvedClientOptions, createSocket: SocketFactory): Promise<PreparedSocket> {
    const { socket, info } = await openSocket(createSocket, socketOptions(token, options, options.connectTimeoutMilliseconds, undefined))
    try {
      return { socket, info, roomId: await roomIdOf(socket, token, options.requestTimeoutMilliseconds) }
    } catch (error) {
      socket.disconnect()
      throw error
    }
  }

  /** Opens a socket (or takes the one `prepare` opened), gets the room id for the token's room and joins it. */
  async #join(token: Token, signal: AbortSignal | undefined, timeout = this.#options.connectTimeoutMilliseconds): Promise<JoinedSession> {
    const prepared = await this.#prepared
    this.#prepared = undefined
    const warm = prepared?.socket.connected ? prepared : (prepared?.socket.disconnect(), undefined)
    const { socket, info } = warm ?? (await openSocket(this.#createSocket, socketOptions(token, this.#options, timeout, signal)))
    this.#socket = socket
    this.#kick = undefined
    this.#deferred = []
    this.#listen(socket)
    if (info.role === 'subscriber' && !this.#receiveOnly) {
      this.#receiveOnly = true
      this.#props = { ...this.#props, audio: false, video: false }
    }
    const onAbort = () => socket.disconnect()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const requestTimeout = this.#options.requestTimeoutMilliseconds
      const room_id = warm?.roomId ?? (await roomIdOf(socket, token, requestTimeout))
      const joined = await sendRequest(socket, { type: 'auth', command: { command: 'join', room_id, props: this.#props } }, ReceivedJoinResultSchema, requestTimeout)
      return { socket, info, joined }
    } catch (error) {
      socket.disconnect()
      if (signal?.aborted) throw abortedError(signal, SIGNALING_PROVIDER)
      // Kicked while joining (another connection of the same identity joined at the same moment, say).
      throw this.#kick && socket === this.#socket ? kickError(this.#kick) : error
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  /** Takes a joined session's member list; returns the members whose peer connection was kept. */
  #adopt({ info, joined }: JoinedSession, announce: boolean): RemoteMember[] {
    // Only our own server sends one of our roles; a VT server says "owner".
    const role = MemberRoleSchema.safeParse(info.role)
    this.#localParticipant = { identity: this.#token.identity, role: role.success ? role.data : DEFAULT_MEMBER_ROLE, providerParticipantId: info.auth_id }
    this.#roster.setLocalId(info.auth_id)
    const kept = this.#roster.sync(joined.members.map(toMember), joined, announce)
    const deferred = this.#deferred ?? []
    this.#deferred = undefined
    for (const apply of deferred) apply()
    return kept
  }

  #listen(socket: SignalingSocket): void {
    const current = () => socket === this.#socket && this.#phase !== 'closed'
    /** Applies a server event now, or after the member list when it has not arrived yet. */
    const apply = (handler: () => void) => {
      if (!current()) return
      if (this.#deferred) this.#deferred.push(handler)
      else handler()
    }
    socket.on(serverEvents.join, (memberId: unknown, member: unknown) => {
      // The member is keyed by member.id (the id used as `to`); a VT server's first argument is another id.
      const parsed = ReceivedMemberSchema.safeParse(member)
      if (!parsed.success) return
      const announcedId = typeof memberId === 'string' && memberId !== '' ? memberId : parsed.data.id
      apply(() => this.#roster.join(toMember(parsed.data), [memberId, member], announcedId))
    })
    socket.on(serverEvents.leave, (memberId: unknown) => {
      if (typeof memberId !== 'string') return
      apply(() => this.#roster.leave(memberId, [memberId]))
    })
    socket.on(serverEvents.propsSet, (memberId: unknown, props: unknown) => {
      const parsed = ReceivedMemberPropsSchema.safeParse(props)
      if (typeof memberId !== 'string' || !parsed.success) return
      apply(() => this.#roster.setProps(memberId, toMemberProps(parsed.data), [memberId, props]))
    })
    socket.on(REQUEST_EVENT, (message: unknown) => {
      const parsed = RelayedRequestSchema.safeParse(message)
      if (!parsed.success) return
      const { from, command } = parsed.data
      apply(() => {
        if (command.command === 'webrtc_signal') {
          const { command: _name, ...signal } = command
          this.#roster.signal(from, signal)
        } else {
          this.emit('data-received', { participant: this.#roster.get(from)?.participant, data: command.data, raw: message })
        }
      })
    })
    socket.on(serverEvents.mute, (mute: unknown) => {
      const parsed = MuteSchema.safeParse(mute)
      if (!parsed.success || !current()) return
      const { kind } = parsed.data
      void this.#setEnabled(kind, false)
        .catch((error: unknown) => this.#options.onError(toCallportError(error, { provider: SIGNALING_PROVIDER })))
        .then(() => this.emit('muted-by-moderator', { kind, raw: mute }))
    })
    socket.on(serverEvents.kick, (kick: unknown) => {
      const parsed = KickSchema.safeParse(kick)
      if (parsed.success && current()) this.#kick = parsed.data
    })
    socket.on('disconnect', (reason: string) => {
      if (!current() || this.#phase !== 'connected') return
      const kick = this.#kick
      // A server that shuts down (to restart, say) is reconnected to like a dropped socket.
      if (kick && kick.reason !== 'server_shutdown') {
        this.#end(disconnectReasonOfKick[kick.reason], kickError(kick), kick)
      } else {
        void this.#recover(reason, kick)
      }
    })
  }

  /**
   * Brings a dropped socket back, or ends the connection with `connection-lost` (`server-shutdown`
   * after a shutdown kick). Local media and peer connections are kept throughout.
   */
  async #recover(reason: string, shutdown?: Kick): Promise<void> {
    this.#phase = 'reconnecting'
    const controller = new AbortController()
    this.#reconnection = controller
    const { signal } = controller
    this.emit('reconnecting', { attempt: 0, reason: shutdown ? 'server-shutdown' : 'connection-lost', raw: shutdown ?? { reason } })
    const deadline = Date.now() + this.#options.reconnectTimeoutMilliseconds
    let lastError: CallportError = shutdown ? kickError(shutdown) : connectionFailed(`The signaling socket closed (${reason})`)
    for (let attempt = 1; !signal.aborted; attempt++) {
      await sleep(Math.min(reconnectDelay(attempt), Math.max(0, deadline - Date.now())), signal)
      const remaining = deadline - Date.now()
      if (signal.aborted || remaining <= 0) break
      try {
        const token = await tokenForReconnection(this.#token, lastError, this.#refreshToken, this.#options.tokenRefreshMarginSeconds)
        const session = await this.#join(token, signal, Math.min(remaining, this.#options.connectTimeoutMilliseconds))
        this.#token = token
        if (!session.socket.connected) throw this.#kick ? kickError(this.#kick) : connectionFailed('The signaling socket closed right after joining')
        // Connected before adopting the member list, so that what kept links send goes out.
        this.#phase = 'connected'
        const kept = this.#adopt(session, true)
        // Kept links that work send nothing; one with a pending offer sends it again; failed ICE restarts.
        for (const remote of kept) void remote.link?.resume(RESUME_TIMEOUT_MILLISECONDS)
        if (this.#socket === session.socket && this.#phase === 'connected') this.emit('reconnected', { raw: session.joined })
        return
      } catch (error) {
        lastError = toCallportError(error, { provider: SIGNALING_PROVIDER })
        const kick = this.#kick
        if (kick && lastError.vendor?.body === kick && kick.reason !== 'server_shutdown') {
          this.#end(disconnectReasonOfKick[kick.reason], lastError, kick)
          return
        }
        if (!lastError.retryable && lastError.code !== 'UNAUTHORIZED' && lastError.code !== 'TOKEN_EXPIRED') break
      }
    }
    if (!signal.aborted) this.#end(shutdown ? 'server-shutdown' : 'connection-lost', lastError, shutdown ?? { reason })
  }

  #refuseIfReceiveOnly(enabled: boolean, what: string): void {
    if (this.#receiveOnly && enabled) throw new CallportError('FORBIDDEN', `A subscriber publishes no media: cannot ${what}`, { provider: SIGNALING_PROVIDER })
  }

  async #setEnabled(kind: TrackKind, enabled: boolean): Promise<void> {
    if (this.#phase === 'closed') return
    this.#refuseIfReceiveOnly(enabled, `enable the ${kind === 'audio' ? 'microphone' : 'camera'}`)
    if (this.#receiveOnly) return
    await this.#media.setEnabled(kind, enabled)
    await this.#announce({ [kind]: enabled && this.#media.available })
  }

  /** Changes props and tells the room (while reconnecting, the re-join announces them). */
  async #announce(props: MemberProps): Promise<void> {
    if (Object.entries(props).every(([key, value]) => this.#props[key as keyof MemberProps] === value)) return
    this.#props = { ...this.#props, ...props }
    if (this.#phase === 'connected') await this.#request({ type: 'auth', command: { command: 'props_set', props } }, UnknownResultSchema)
  }

  #request<T>(request: Request, schema: z.ZodMiniType<T>): Promise<T> {
    const socket = this.#socket
    if (this.#phase !== 'connected' || !socket) {
      return Promise.reject(connectionFailed(this.#phase === 'closed' ? 'The connection has ended' : 'The connection is reconnecting', this.#phase !== 'closed'))
    }
    return sendRequest(socket, request, schema, this.#options.requestTimeoutMilliseconds)
  }

  #connectPeer(remote: RemoteMember): PeerLink | undefined {
    const { RTCPeerConnection } = this.#webrtc
    if (!RTCPeerConnection) return undefined
    return new PeerLink({
      RTCPeerConnection,
      configuration: rtcConfigurationFor(this.#options.rtcConfiguration, this.#token),
      localTracks: this.#receiveOnly ? [] : this.#media.sending(),
      streamOf: (source: LocalSource) => (source.startsWith('screen') ? this.#media.screenStream : this.#media.stream),
      receiveOnly: this.#receiveOnly,
      send: (signal) => this.#sendSignal(remote, signal),
      onRemoteTrack: (track, streamId, live, raw) => remote.setReceived(track, streamId, live, raw),
      onHealthChange: () => this.#roster.checkHealth(remote),
      onPeerReplaced: (signal) => this.#roster.replaceLink(remote, signal),
      onError: (error) => this.#options.onError(toCallportError(error, { provider: SIGNALING_PROVIDER, code: 'CONNECTION_FAILED' })),
    })
  }

  /** Relays a signal to a peer; while reconnecting it is dropped (ICE restarts after the re-join). */
  #sendSignal(remote: RemoteMember, signal: PeerSignal): void {
    if (this.#phase !== 'connected') return
    this.#request({ type: 'command', to: remote.id, command: { command: 'webrtc_signal', ...signal } }, UnknownResultSchema).catch((error: unknown) => {
      const failure = toCallportError(error, { provider: SIGNALING_PROVIDER })
      // A peer that left meanwhile is not a failure.
      if (failure.code !== 'PARTICIPANT_NOT_FOUND') this.#options.onError(failure)
    })
  }

  #end(reason: DisconnectReason, error: CallportError, raw: unknown): void {
    if (this.#phase === 'closed') return
    this.#roster.close()
    this.#socket?.disconnect()
    this.#close()
    this.emit('disconnected', { reason, error, raw })
  }

  /** Releases everything local; emits nothing. */
  #close(): void {
    this.#phase = 'closed'
    this.#reconnection?.abort()
    for (const stop of this.#stopMonitors.splice(0)) stop()
    this.#roster.close()
    this.#media.stop()
    this.#deferred = undefined
  }
}

/** A socket opened ahead of the join (`prepare`), with the room id of the token's room. */
export interface PreparedSocket {
  socket: SignalingSocket
  info: ConnectionInfo
  roomId: string
}

function socketOptions(token: Token, options: ResolvedClientOptions, timeout: number, signal: AbortSignal | undefined) {
  const { url, path } = token.connect
  if (typeof url !== 'string' || url === '') {
    throw new CallportError('INVALID_INPUT', 'The signaling token has no connect.url', { provider: SIGNALING_PROVIDER })
  }
  return {
    url,
    path: typeof path === 'string' ? path : undefined,
    identity: token.identity,
    credentials: options.password === undefined ? { token: token.value } : { password: options.password },
    transports: options.transports,
    timeout,
    signal,
  }
}

async function roomIdOf(socket: SignalingSocket, token: Token, timeout: number): Promise<string> {
  const request = { type: 'auth', command: { command: 'room_id_get', auth_room_name_mask: token.room } } as const
  return (await sendRequest(socket, request, RoomIdResultSchema, timeout)).room_id
}
