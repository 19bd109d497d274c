import { CallportError, EventEmitter, type ClientConnection, type ConnectionEvents, type Participant, type Token } from '@callport/core'
import type { MemberEndpoint, Membership } from './memory-room'
import type { MemoryTrackSource } from './memory-track'
import { memoryProviderId, type MemoryTokenClaims } from './memory-token'

export interface MemoryConnectionOptions {
  /** Joins the room, handing it the endpoint through which the room reaches this connection. */
  join(endpoint: MemberEndpoint): Membership
  verifyToken: (token: Token) => MemoryTokenClaims
}

/** A participant's connection to a memory room. */
export class MemoryConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant: Participant
  readonly #verifyToken: (token: Token) => MemoryTokenClaims
  #membership: Membership | undefined

  constructor(options: MemoryConnectionOptions) {
    super()
    this.#verifyToken = options.verifyToken
    this.#membership = options.join({
      events: this,
      ended: (reason) => {
        this.#membership = undefined
        this.emit('disconnected', { reason, raw: { type: 'connection-ended', reason } })
      },
    })
    this.localParticipant = this.#membership.participant
  }

  /** True until `disconnect()` or until the hub ends the connection. */
  get connected(): boolean {
    return this.#membership !== undefined
  }

  participants(): Participant[] {
    return this.#membership?.others() ?? []
  }

  /** Publishes (or stops) a synthetic microphone track; a no-op once the connection has ended. */
  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    this.#membership?.setPublished('microphone', enabled)
  }

  /** Publishes (or stops) a synthetic camera track; a no-op once the connection has ended. */
  async setCameraEnabled(enabled: boolean): Promise<void> {
    this.#membership?.setPublished('camera', enabled)
  }

  /**
   * Mutes (or unmutes) this participant's published synthetic track of `source`, keeping it
   * published: the others see `track-muted` / `track-unmuted` with the track they subscribed to. A
   * no-op when that source is not published or the connection has ended.
   */
  async setTrackMuted(source: MemoryTrackSource, muted: boolean): Promise<void> {
    this.#membership?.setMuted(source, muted)
  }

  async disconnect(): Promise<void> {
    const membership = this.#membership
    this.#membership = undefined
    membership?.leave()
  }

  /** Takes a fresh token for the same room and identity; its `exp` replaces the current one. */
  async updateToken(token: Token): Promise<void> {
    const membership = this.#requireMembership()
    const claims = this.#verifyToken(token)
    if (claims.identity !== this.localParticipant.identity || claims.providerRoomId !== membership.room.providerRoomId) {
      throw new CallportError('INVALID_INPUT', 'updateToken needs a token for the same room and identity', { provider: memoryProviderId })
    }
    membership.renew(claims.exp)
  }

  /** Sends `data` to everyone else in the room, or to the identities in `options.to`. */
  async sendData(data: string, options: { to?: string[] } = {}): Promise<void> {
    this.#requireMembership().send(data, options.to)
  }

  #requireMembership(): Membership {
    if (this.#membership) return this.#membership
    throw new CallportError('CONNECTION_FAILED', 'The connection has ended', { provider: memoryProviderId, retryable: false })
  }
}
