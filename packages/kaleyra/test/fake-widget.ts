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
 * A fake of the Kaleyra (Bandyer) widget, typed against the API Callport uses. It behaves as the
 * widget's README and shipped bundle describe: one client per page (`client_already_exists`, thrown
 * synchronously, until destroyClient),
 * errors as Errors named after the vendor error, call status changes announced on the call and on
 * the client.
 */

export class WidgetError extends Error {
  constructor(name: string, message: string) {
    super(message)
    this.name = name
  }
}

export class FakeCall implements WidgetCall {
  status: WidgetCallStatus = 'connecting'
  endReason: WidgetCallEndReason | null = null
  readonly direction = 'outgoing' as const
  readonly #events = new EventEmitter()

  constructor(
    private readonly client: FakeWidgetClient,
    readonly roomId: string,
    public participants: string[],
  ) {}

  on(event: 'status:changed', listener: (event: { status: WidgetCallStatus }) => void): this {
    this.#events.on(event, listener)
    return this
  }

  /** Changes the status and announces it twice, like the widget: on the call (`{status}`) and on the client (`{call, status}`). */
  change(status: WidgetCallStatus, endReason: WidgetCallEndReason | null = null): void {
    this.status = status
    this.endReason = endReason
    this.#events.emit('status:changed', { status })
    this.client.emit('call:status:changed', { call: this, status })
  }
}

export class FakeWidgetClient implements WidgetClient {
  userId: string | undefined
  accessToken: string | undefined
  call: FakeCall | undefined
  readonly #events = new EventEmitter()

  constructor(
    private readonly sdk: FakeBandyerSdk,
    readonly configuration: WidgetConfiguration,
  ) {}

  on<E extends keyof WidgetClientEvents>(event: E, listener: WidgetClientEvents[E]): this {
    this.#events.on(event, listener)
    return this
  }

  emit<E extends keyof WidgetClientEvents>(event: E, ...args: Parameters<WidgetClientEvents[E]>): void {
    this.#events.emit(event, ...args)
  }

  async connect(userId: string, accessToken: string): Promise<void> {
    this.sdk.calls.push(`connect ${userId}`)
    await this.sdk.pause?.('connect')
    if (this.sdk.refusedTokens.has(accessToken)) throw new WidgetError('access_token_invalid', 'The access token is invalid')
    this.userId = userId
    this.accessToken = accessToken
  }

  async disconnect(): Promise<void> {
    this.sdk.calls.push('disconnect')
    this.userId = undefined
  }

  async updateAccessToken(accessToken: string): Promise<{ expiresAt: string }> {
    this.sdk.calls.push('updateAccessToken')
    if (this.sdk.refusedTokens.has(accessToken)) throw new WidgetError('access_token_invalid', 'The access token is invalid')
    this.accessToken = accessToken
    return { expiresAt: new Date(Date.now() + 600_000).toISOString() }
  }

  async joinCallURL(url: string): Promise<WidgetCallView> {
    this.sdk.calls.push(`joinCallURL ${url}`)
    if (!this.userId) throw new WidgetError('invalid_access_link', 'Not connected')
    if (this.sdk.refusedLinks.has(url)) throw new WidgetError('invalid_access_link', 'The room is inactive')
    if (this.sdk.manyToManyLinks.has(url)) throw new WidgetError('join_url_mtm', 'The client does not support the many to many calls')
    const media = (globalThis as { navigator?: Navigator }).navigator?.mediaDevices
    if (media) await media.getUserMedia({ audio: true, video: this.configuration.callType === 'audio_video' })
    this.call = new FakeCall(this, `room-of-${url.split('/').pop()}`, [this.userId])
    return { call: this.call }
  }
}

export class FakeBandyerSdk implements BandyerSdk {
  readonly version = '2.7.5'
  client: FakeWidgetClient | undefined
  /** Every widget method called, in order. */
  readonly calls: string[] = []
  readonly configurations: WidgetConfiguration[] = []
  readonly refusedTokens = new Set<string>()
  readonly refusedLinks = new Set<string>()
  /** Links of rooms with more than two members: the widget refuses them with `join_url_mtm`. */
  readonly manyToManyLinks = new Set<string>()
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

  async destroyClient(): Promise<void> {
    this.calls.push('destroyClient')
    this.client = undefined
  }
}
