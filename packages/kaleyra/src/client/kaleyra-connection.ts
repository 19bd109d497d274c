import {
  CallportError,
  EventEmitter,
  TokenSchema,
  type ClientConnection,
  type ConnectionEvents,
  type DisconnectReason,
  type Participant,
  type Token,
} from '@callport/core'
import type { KaleyraConnectParameters } from '../shared/connect-parameters'
import { errorFromKaleyraWidget } from '../shared/kaleyra-errors'
import { KALEYRA_PROVIDER } from '../shared/provider-id'
import type { BandyerSdk, WidgetCall, WidgetCallEndReason, WidgetCallStatus, WidgetClient } from './kaleyra-widget-types'
import { releaseWidgetClient } from './widget-lifecycle'
import type { WidgetMedia } from './widget-media'
import { AboutToExpireSchema, CallSchema, CallStatusChangedSchema, CallStatusSchema } from './widget-messages'

/** Why the call the connection joined ended, as a Callport disconnect reason. */
function reasonOfCallEnd(endReason: WidgetCallEndReason | null): DisconnectReason {
  return endReason === 'answered_of_another_device' ? 'duplicate-identity' : 'room-closed'
}

/**
 * One participant's logged-in Kaleyra widget. The widget draws the call; this object reports what
 * it says: token expiry, forced disconnection, and the participants of the call (derived from the
 * call's `participants` when its status becomes `connected` or `ended`).
 */
export class KaleyraConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant: Participant
  readonly #sdk: BandyerSdk
  readonly #client: WidgetClient
  readonly #media: WidgetMedia
  readonly #remote = new Map<string, Participant>()
  readonly #endedCalls = new Set<string>()
  #joinedCall: WidgetCall | undefined
  #expiresAt: string
  #released: Promise<void> | undefined

  constructor(options: { sdk: BandyerSdk; client: WidgetClient; media: WidgetMedia; token: Token; parameters: KaleyraConnectParameters }) {
    super()
    this.#sdk = options.sdk
    this.#client = options.client
    this.#media = options.media
    this.localParticipant = { identity: options.token.identity, role: options.parameters.role }
    this.#expiresAt = options.token.expiresAt
    this.#listen()
  }

  /** Remote participants of the current call. */
  participants(): Participant[] {
    return [...this.#remote.values()]
  }

  /** Follows the call joined by URL: when it ends, the connection ends. */
  follow(call: WidgetCall): void {
    this.#joinedCall = call
    call.on('status:changed', (event) => {
      const parsed = CallStatusSchema.safeParse(event)
      if (parsed.success) this.#onCallStatus(call, parsed.data.status, event)
    })
    if (this.#endedCalls.has(call.roomId)) this.#end(reasonOfCallEnd(call.endReason), call)
    else this.#onCallStatus(call, call.status, call)
  }

  /** Switches the microphone track the widget captured (the widget's own button is not updated). */
  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    this.#media.setEnabled('audio', enabled)
  }

  /** Switches the camera track the widget captured (the widget's own button is not updated). */
  async setCameraEnabled(enabled: boolean): Promise<void> {
    this.#media.setEnabled('video', enabled)
  }

  /** Hands a fresh token to the widget (`Client.updateAccessToken`). */
  async updateToken(token: Token): Promise<void> {
    if (this.#released) {
      throw new CallportError('CONNECTION_FAILED', 'The Kaleyra connection has ended', { provider: KALEYRA_PROVIDER })
    }
    const parsed = TokenSchema.safeParse(token)
    if (!parsed.success || parsed.data.identity !== this.localParticipant.identity) {
      throw new CallportError('INVALID_INPUT', 'updateToken needs a token for the same identity', { provider: KALEYRA_PROVIDER })
    }
    try {
      await this.#client.updateAccessToken(parsed.data.value)
      this.#expiresAt = parsed.data.expiresAt
    } catch (error) {
      throw errorFromKaleyraWidget(error, 'UNAUTHORIZED')
    }
  }

  /** Leaves: disconnects and destroys the widget client, so the page can join again. Idempotent. */
  disconnect(): Promise<void> {
    if (!this.#released) {
      this.#media.release()
      this.#released = releaseWidgetClient(this.#sdk, this.#client)
    }
    return this.#released
  }

  #listen(): void {
    const client = this.#client
    client.on('client:access_token:is_about_to_expire', (data) => {
      if (this.#released) return
      const parsed = AboutToExpireSchema.safeParse(data)
      const expiresAt = parsed.success ? new Date(parsed.data.expiresAt).toISOString() : this.#expiresAt
      this.emit('token-expiring', { expiresAt, raw: data })
    })
    client.on('client:access_token:expired', (data) => this.#end('token-expired', data))
    client.on('client:force_disconnect', (data) => this.#end('removed', data))
    client.on('call:status:changed', (data) => {
      if (CallStatusChangedSchema.safeParse(data).success) this.#onCallStatus(data.call, data.status, data)
    })
  }

  /**
   * The widget reports calls, not presence: the participants of a `connected` call are taken as
   * present, and all of them as gone when it has `ended`. Reconciling makes repeated reports (from the
   * client and from the call itself) harmless.
   */
  #onCallStatus(call: WidgetCall, status: WidgetCallStatus, raw: unknown): void {
    if (this.#released || !CallSchema.safeParse(call).success) return
    if (status === 'connected') this.#reconcile(call.participants, raw)
    if (status !== 'ended') return
    this.#endedCalls.add(call.roomId)
    this.#reconcile([], raw)
    if (this.#joinedCall?.roomId === call.roomId) this.#end(reasonOfCallEnd(call.endReason), raw)
  }

  #reconcile(identities: readonly string[], raw: unknown): void {
    const present = new Set(identities.filter((identity) => identity !== this.localParticipant.identity))
    for (const [identity, participant] of this.#remote) {
      if (present.has(identity)) continue
      this.#remote.delete(identity)
      this.emit('participant-left', { participant, raw })
    }
    for (const identity of present) {
      if (this.#remote.has(identity)) continue
      const participant: Participant = { identity, role: 'publisher' }
      this.#remote.set(identity, participant)
      this.emit('participant-joined', { participant, raw })
    }
  }

  #end(reason: DisconnectReason, raw: unknown): void {
    if (this.#released) return
    void this.disconnect()
    this.emit('disconnected', { reason, raw })
  }
}
