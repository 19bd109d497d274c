import { EventEmitter } from 'eventemitter3'
import type {
  BandyerSdk,
  WidgetCall,
  WidgetCallEndReason,
  WidgetCallStatus,
  WidgetCallView,
  WidgetClient,
  WidgetClientEvents,
  WidgetConfiguration,
} from '../src/client/kaleyra-widget-types'

/**
 * A fake of the Kaleyra (Bandyer) widget, typed against the API Callport uses, built from the shipped
 * bundle of widget 2.7.5 (Bandyer/Bandyer-Chat-Widget gh-pages `bandyer-widget.min.js`, CHANGELOG
 * 2.7.5 of 2024-03-28), not from our adapter:
 *
 * - `configure` throws `client_already_exists` synchronously until `destroyClient` (its module).
 * - The public `Client.joinCallURL(url)` awaits a dispatched thunk that returns nothing, then
 *   returns `this._callView = new CallView(undefined)`: the call is built from nothing. The join
 *   itself (`callOperations.joinCallURL`) is dispatched without being awaited: when the link fails
 *   it switches the widget to an error view and throws an ExposeError nobody catches (an unhandled
 *   rejection of the page), so the caller never sees `invalid_url`, `invalid_token`,
 *   `user_not_associated_to_link`, `join_url_mtm`... When the client is not connected yet it first
 *   connects by access link, and errors of that step do reach the caller.
 * - The Call class keeps its data in ONE module variable (`A`), replaced by each new Call: `roomId`,
 *   `participants`, `direction` read it unguarded (TypeError when there is none), `status` and
 *   `endReason` answer `ended` / `hang_up` when there is none.
 * - The switchboard's `call_status_changed` handler emits `call:status:changed` with
 *   `{call: this.callView.call, status}` first, then the call's own `status:changed` with `{status}`,
 *   then forgets the CallView on `ended`. A listener that throws stops the rest (EventEmitter).
 * - `access_token_expired`: the widget awaits its own disconnect, then emits
 *   `client:access_token:expired`.
 * - Errors are ExposeErrors: `name` and `code` are the vendor error name.
 */

export class WidgetError extends Error {
  readonly code: string | undefined
  constructor(name: string, message: string) {
    super(message)
    this.name = name
    this.code = name
  }
}

/** Widget 2.7.5's call data (the switchboard's `_buildCallData`), the part the Call getters read. */
export interface FakeCallData {
  callAlias: string
  callParticipants: { user: { userAlias: string } }[]
  callDirection: 'call_direction_incoming' | 'call_direction_outgoing'
  callStatus: WidgetCallStatus
  endReason?: WidgetCallEndReason
}

export class FakeCall extends EventEmitter implements WidgetCall {
  constructor(
    private readonly sdk: FakeBandyerSdk,
    data: FakeCallData | undefined,
  ) {
    super()
    // Like the bundle's `A = e` in the Call constructor: one slot for every Call of the page.
    sdk.callData = data
  }

  get #data(): FakeCallData {
    return this.sdk.callData as FakeCallData
  }

  /** `A.callAlias`: a TypeError when the call was built from nothing. */
  get roomId(): string {
    return this.#data.callAlias
  }

  /** `A.callParticipants.map(p => p.user.userAlias)`: a TypeError when the call was built from nothing. */
  get participants(): string[] {
    return this.#data.callParticipants.map((participant) => participant.user.userAlias)
  }

  get direction(): 'incoming' | 'outgoing' {
    return this.#data.callDirection === 'call_direction_incoming' ? 'incoming' : 'outgoing'
  }

  /** `A ? switchboard.getCall(A.callAlias).callStatus : "ended"`. */
  get status(): WidgetCallStatus {
    return this.sdk.callData ? this.sdk.callData.callStatus : 'ended'
  }

  /** `A ? … .endReason || null : "hang_up"`. */
  get endReason(): WidgetCallEndReason | null {
    return this.sdk.callData ? (this.sdk.callData.endReason ?? null) : 'hang_up'
  }
}

export class FakeWidgetClient implements WidgetClient {
  userId: string | undefined
  accessToken: string | undefined
  /** `Client._callView`. */
  callView: WidgetCallView | null = null
  readonly #sdk: FakeBandyerSdk
  /** The widget's Client is an EventEmitter: a listener that throws stops `emit` there. */
  readonly #events = new EventEmitter()

  constructor(
    sdk: FakeBandyerSdk,
    readonly configuration: WidgetConfiguration,
  ) {
    this.#sdk = sdk
  }

  on<E extends keyof WidgetClientEvents>(event: E, listener: WidgetClientEvents[E]): this {
    this.#events.on(event, listener)
    return this
  }

  emit<E extends keyof WidgetClientEvents>(event: E, ...args: Parameters<WidgetClientEvents[E]>): void {
    this.#events.emit(event, ...args)
  }

  async connect(userId: string, accessToken: string): Promise<void> {
    this.#sdk.calls.push(`connect ${userId}`)
    await this.#sdk.pause?.('connect')
    if (this.#sdk.refusedTokens.has(accessToken)) throw new WidgetError('access_token_invalid', 'The access token is invalid')
    this.userId = userId
    this.accessToken = accessToken
  }

  /** `Client.disconnect`: `disconnectSDK()`; a failure becomes `disconnect_error`. Disconnected already: modelled as that failure. */
  async disconnect(): Promise<void> {
    this.#sdk.calls.push('disconnect')
    if (this.userId === undefined) throw new WidgetError('disconnect_error', 'Fail to logout, perform force close')
    this.userId = undefined
  }

  async updateAccessToken(accessToken: string): Promise<{ expiresAt: string }> {
    this.#sdk.calls.push('updateAccessToken')
    if (this.#sdk.refusedTokens.has(accessToken)) throw new WidgetError('access_token_invalid', 'The access token is invalid')
    this.accessToken = accessToken
    return { expiresAt: new Date(Date.now() + 600_000).toISOString() }
  }

  /** `Client.joinCallURL` of widget 2.7.5 (see the file comment). */
  async joinCallURL(url: string): Promise<WidgetCallView> {
    this.#sdk.calls.push(`joinCallURL ${url}`)
    if (!url || typeof url !== 'string') throw new WidgetError('validation_error', 'Url must be a valid string')
    if (this.callView) throw new WidgetError('another_call_in_progress', 'Another call in progress')
    if (this.userId === undefined) {
      // Not connected: `widgetOperations.connect(null, url, "access-link")` is awaited, its errors reach the caller.
      const refused = this.#sdk.refusedLinks.get(url)
      if (refused !== undefined) throw new WidgetError(refused, 'The room link was refused')
    } else {
      // Dispatched, not awaited.
      void this.#join(url)
    }
    this.callView = { call: new FakeCall(this.#sdk, undefined) }
    return this.callView
  }

  /** `callOperations.joinCallURL`: its rejection is nobody's, the page reports it as unhandled. */
  async #join(url: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0)) // the socket's answer: a later task
    const refused = this.#sdk.refusedLinks.get(url) ?? (this.#sdk.manyToManyLinks.has(url) ? 'join_url_mtm' : undefined)
    if (refused !== undefined) {
      reportUnhandledRejection(new WidgetError(refused, 'The room link was refused'))
      return
    }
    const media = (globalThis as { navigator?: Navigator }).navigator?.mediaDevices
    if (media) await media.getUserMedia({ audio: true, video: this.configuration.callType === 'audio_video' })
    if (this.#sdk.joinAnnouncement !== 'none') this.switchboardStatus(this.#sdk.joinAnnouncement)
  }

  /** The switchboard's `call_status_changed` handler of widget 2.7.5, in its order. */
  switchboardStatus(status: WidgetCallStatus): void {
    if (this.#sdk.callData) this.#sdk.callData.callStatus = status
    this.emit('call:status:changed', { call: (this.callView as WidgetCallView).call, status })
    ;((this.callView as WidgetCallView).call as FakeCall).emit('status:changed', { status })
    if (status === 'ended') this.callView = null
  }

  /** `ON_CALL_INCOMING`: a CallView built from the call's data, announced as `call:incoming`. */
  receiveCall(data: FakeCallData): FakeCall {
    this.callView = { call: new FakeCall(this.#sdk, data) }
    this.emit('call:incoming', { call: this.callView.call })
    return this.callView.call as FakeCall
  }

  /** `access_token_expired`: `await T.getInstance().disconnect()`, then `client:access_token:expired`. */
  async expireToken(payload?: unknown): Promise<void> {
    this.#sdk.calls.push('disconnect (by the widget)')
    this.userId = undefined
    await Promise.resolve()
    this.emit('client:access_token:expired', payload)
  }
}

export class FakeBandyerSdk implements BandyerSdk {
  readonly version = '2.7.5'
  client: FakeWidgetClient | undefined
  /** The Call module's single data slot (`A`). */
  callData: FakeCallData | undefined
  /** Every widget method called, in order. */
  readonly calls: string[] = []
  readonly configurations: WidgetConfiguration[] = []
  readonly refusedTokens = new Set<string>()
  /** Room links the widget refuses, with the vendor error it gives (`invalid_token`, `user_not_associated_to_link`…). */
  readonly refusedLinks = new Map<string, string>()
  /** Links of rooms with more than two users: the widget hangs up and fails with `join_url_mtm`. */
  readonly manyToManyLinks = new Set<string>()
  /**
   * What the switchboard says once a link join worked. Whether 2.7.5 emits `call_status_changed`
   * for it could not be established from the bundle (the call's events are registered after the
   * join resolved), so tests choose: `connected` (default) or `none`.
   */
  joinAnnouncement: WidgetCallStatus | 'none' = 'connected'
  /** Lets a test hold a method half-way. */
  pause: ((method: string) => Promise<void>) | undefined

  /** Like widget 2.7.5: `client_already_exists` is thrown synchronously, not as a rejected promise. */
  configure(configuration: WidgetConfiguration): Promise<FakeWidgetClient> {
    this.calls.push('configure')
    if (this.client) throw new WidgetError('client_already_exists', 'A client exists already')
    this.configurations.push(configuration)
    this.client = new FakeWidgetClient(this, configuration)
    return Promise.resolve(this.client)
  }

  /** `destroyClient`: disconnects (errors swallowed) and forgets the client. */
  async destroyClient(): Promise<void> {
    this.calls.push('destroyClient')
    this.client = undefined
  }
}

/**
 * What a browser does with a rejection nobody handles: an `unhandledrejection` event on the page
 * (`window`) carrying `reason`. In Node the test installs a page with {@link installPage}; the
 * promise itself is marked handled so that Node does not report it.
 */
export function reportUnhandledRejection(reason: unknown): void {
  const promise = Promise.reject(reason)
  promise.catch(() => undefined)
  const page = globalThis as unknown as Partial<EventTarget>
  if (typeof page.dispatchEvent !== 'function') return
  page.dispatchEvent(Object.assign(new Event('unhandledrejection', { cancelable: true }), { reason, promise }))
}

/** Gives Node's `globalThis` the EventTarget methods of a page's `window`; returns the undo. */
export function installPage(): () => void {
  const page = new EventTarget()
  const target = globalThis as unknown as Record<string, unknown>
  const names = ['addEventListener', 'removeEventListener', 'dispatchEvent'] as const
  const before = names.map((name) => [name, Object.getOwnPropertyDescriptor(target, name)] as const)
  for (const name of names) target[name] = page[name].bind(page)
  return () => {
    for (const [name, descriptor] of before) {
      if (descriptor) Object.defineProperty(target, name, descriptor)
      else delete target[name]
    }
  }
}
