import { CallportError, EventEmitter, TokenSchema, type ClientConnection, type ConnectionEvents, type DisconnectReason, type Participant, type Token } from '@callport/core'
import type { KaleyraConnectParameters } from '../shared/connect-parameters'
import { errorFromKaleyraWidget, kaleyraErrorName } from '../shared/kaleyra-errors'
import { KALEYRA_PROVIDER } from '../shared/provider-id'
import type { BandyerSdk, WidgetCall, WidgetCallStatus, WidgetClient } from './kaleyra-widget-types'
import { releaseWidgetClient } from './widget-lifecycle'
import type { WidgetMedia } from './widget-media'
import { AboutToExpireSchema, CallStatusChangedSchema, CallStatusSchema } from './widget-messages'

/** Why the call the connection joined ended, as a Callport disconnect reason. */
function reasonOfCallEnd(endReason: unknown): DisconnectReason {
  return endReason === 'answered_of_another_device' ? 'duplicate-identity' : 'room-closed'
}

/**
 * Reads a widget getter that may throw: widget 2.7.5's Call getters (`roomId`, `participants`)
 * throw a TypeError for a call joined by link. Nothing of the widget is read unguarded.
 */
function guarded<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}

/**
 * Vendor errors that widget 2.7.5 turns into an error view instead of a rejection when joining a
 * link while connected (`callOperations.joinCallURL`); the page gets them as unhandled rejections.
 */
const linkFailureNames = new Set([
  'invalid_url',
  'invalid_token',
  'invalid_access_link',
  'user_not_associated_to_link',
  'join_url_mtm',
  'join_call_invalid_mtm',
  'all_users_busy',
  'current_user_busy',
  'another_call_in_progress',
])

/** The page (`window`) where unhandled rejections are reported, when there is one. */
function pageEvents(): Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | undefined {
  const page = globalThis as Partial<EventTarget>
  return typeof page.addEventListener === 'function' && typeof page.removeEventListener === 'function' ? (page as EventTarget) : undefined
}

interface PendingJoin {
  resolve(): void
  reject(error: CallportError): void
}

/**
 * One participant's logged-in Kaleyra widget. The widget draws the call; this object reports what
 * it says: token expiry, forced disconnection, the end of the joined call, and the participants of
 * calls whose data the widget exposes (see `#onCallStatus`).
 */
export class KaleyraConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant: Participant
  /** The Kaleyra room of this connection, from the token (the widget's call cannot tell it). */
  readonly kaleyraRoomId: string | undefined
  readonly #sdk: BandyerSdk
  readonly #client: WidgetClient
  readonly #media: WidgetMedia
  readonly #remote = new Map<string, Participant>()
  #joinedCall: WidgetCall | undefined
  #pendingJoin: PendingJoin | undefined
  #stopWatchingPage: (() => void) | undefined
  #expiresAt: string
  #released: Promise<void> | undefined

  constructor(options: { sdk: BandyerSdk; client: WidgetClient; media: WidgetMedia; token: Token; parameters: KaleyraConnectParameters }) {
    super()
    this.#sdk = options.sdk
    this.#client = options.client
    this.#media = options.media
    this.localParticipant = { identity: options.token.identity, role: options.parameters.role }
    this.kaleyraRoomId = options.parameters.kaleyraRoomId ?? options.token.providerRoomId
    this.#expiresAt = options.token.expiresAt
    this.#listen()
  }

  /**
   * The widget's client (what `BandyerSDK.configure` resolved to) behind this connection, for what
   * the portable surface does not cover. Outside the contract: code that uses it is tied to the
   * Kaleyra widget and its version, and must not `disconnect` it or `destroyClient` (`disconnect()`
   * of this connection does both).
   */
  get vendor(): WidgetClient {
    return this.#client
  }

  /** Remote participants of the current call, where the widget tells them. */
  participants(): Participant[] {
    return [...this.#remote.values()]
  }

  /**
   * Joins the room link and follows the call. Widget 2.7.5 resolves `joinCallURL` before the join
   * is done, on a call built from nothing, and reports a refused link only as an unhandled rejection
   * of the page. So this waits, after `joinCallURL` resolved, for the first of: a call status other
   * than `ended` (joined), `ended` (CONNECTION_FAILED), a link error on the page (its CallportError:
   * ROOM_NOT_FOUND, FORBIDDEN, ROOM_FULL…), or `confirmationWindow` milliseconds without either,
   * after which the join counts as done (a later link error still ends the connection, `join-failed`).
   */
  async joinByLink(url: string, confirmationWindow: number): Promise<void> {
    this.#watchPage()
    const confirmed = new Promise<void>((resolve, reject) => {
      this.#pendingJoin = { resolve, reject }
    })
    const timer = setTimeout(() => this.#settleJoin(), confirmationWindow)
    try {
      const view = await this.#client.joinCallURL(url)
      this.#follow(guarded(() => view.call))
      await confirmed
    } finally {
      clearTimeout(timer)
      this.#pendingJoin = undefined
    }
  }

  #follow(call: WidgetCall | undefined): void {
    if (call === undefined || typeof call.on !== 'function') return
    this.#joinedCall = call
    call.on('status:changed', (event) => {
      try {
        const parsed = CallStatusSchema.safeParse(event)
        if (parsed.success) this.#onCallStatus(call, parsed.data.status, event)
      } catch {
        // Never throw into the widget's emitter.
      }
    })
  }

  #settleJoin(error?: CallportError): void {
    const pending = this.#pendingJoin
    if (pending === undefined) return
    this.#pendingJoin = undefined
    if (error === undefined) pending.resolve()
    else pending.reject(error)
  }

  /** Listens for the widget's unhandled link rejections on the page while the connection lives. */
  #watchPage(): void {
    const page = pageEvents()
    if (page === undefined || this.#stopWatchingPage) return
    const onRejection = (event: Event): void => {
      try {
        const reason = (event as Event & { reason?: unknown }).reason
        const name = kaleyraErrorName(reason)
        if (name === undefined || !linkFailureNames.has(name) || this.#released) return
        const error = errorFromKaleyraWidget(reason)
        if (this.#pendingJoin) this.#settleJoin(error)
        else this.#end('join-failed', reason)
      } catch {
        // A page listener must not throw.
      }
    }
    page.addEventListener('unhandledrejection', onRejection)
    this.#stopWatchingPage = () => page.removeEventListener('unhandledrejection', onRejection)
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
      this.#stopWatchingPage?.()
      this.#settleJoin(new CallportError('CONNECTION_FAILED', 'The Kaleyra connection ended while joining', { provider: KALEYRA_PROVIDER }))
      this.#media.release()
      this.#released = releaseWidgetClient(this.#sdk, this.#client)
    }
    return this.#released
  }

  #listen(): void {
    const client = this.#client
    // Every listener is guarded: a throw inside the widget's emitter would stop the widget's own
    // handler half-way (2.7.5 emits the call's `status:changed` after the client's event).
    const safely =
      <A extends unknown[]>(listener: (...args: A) => void) =>
      (...args: A): void => {
        try {
          listener(...args)
        } catch {
          // ignored: see above
        }
      }
    client.on(
      'client:access_token:is_about_to_expire',
      safely((data: unknown) => {
        if (this.#released) return
        const parsed = AboutToExpireSchema.safeParse(data)
        const expiresAt = parsed.success ? new Date(parsed.data.expiresAt).toISOString() : this.#expiresAt
        this.emit('token-expiring', { expiresAt, raw: data })
      }),
    )
    // Widget 2.7.5 has disconnected itself before this event: the connection releases what is left
    // (Client.disconnect may then fail, destroyClient still runs) and ends as `token-expired`, which
    // the session answers by connecting again with a fresh token.
    client.on(
      'client:access_token:expired',
      safely((data: unknown) => this.#end('token-expired', data)),
    )
    client.on(
      'client:force_disconnect',
      safely((data: unknown) => this.#end('removed', data)),
    )
    client.on(
      'call:status:changed',
      safely((data: unknown) => {
        // Only `status` is parsed: the call's getters may throw (read through `guarded`).
        const parsed = CallStatusChangedSchema.safeParse(data)
        if (!parsed.success) return
        const call = (data as { call?: unknown }).call
        if (typeof call !== 'object' || call === null) return
        this.#onCallStatus(call as WidgetCall, parsed.data.status, data)
      }),
    )
  }

  /**
   * The widget reports calls, not presence. The participants of a `connected` call are taken as
   * present, and all of them as gone when it has `ended`, where the call tells them: widget 2.7.5's
   * call joined by link cannot (its `participants` getter throws), so that call gives no participant
   * events. When the joined call reports a status, the pending join is confirmed (or fails on
   * `ended`); when it has `ended` later, the connection ends. Reconciling makes repeated reports
   * (from the client and from the call itself) harmless.
   */
  #onCallStatus(call: WidgetCall, status: WidgetCallStatus, raw: unknown): void {
    if (this.#released) return
    const joined = this.#joinedCall !== undefined && call === this.#joinedCall
    if (joined && this.#pendingJoin) {
      if (status === 'ended') {
        this.#settleJoin(new CallportError('CONNECTION_FAILED', 'The Kaleyra call ended while joining', { provider: KALEYRA_PROVIDER, details: { vendorStatus: status } }))
        return
      }
      this.#settleJoin()
    }
    const identities = guarded(() => call.participants)
    if (status === 'connected' && Array.isArray(identities)) {
      this.#reconcile(
        identities.filter((identity): identity is string => typeof identity === 'string'),
        raw,
      )
    }
    if (status !== 'ended') return
    this.#reconcile([], raw)
    if (joined) this.#end(reasonOfCallEnd(guarded(() => call.endReason)), raw)
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
