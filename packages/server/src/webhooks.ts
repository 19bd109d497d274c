import { CallportError, type CallServerEvents, type ServerAdapter, type WebhookEvent, type WebhookRequest } from '@callport/core'
import type { EventEmitter } from 'eventemitter3'
import { callAdapter } from './call-adapter'
import { emptyAnswer, type Answer } from './answer'
import { MAXIMUM_BODY_BYTES } from './body-limit'
import type { IncomingCall } from './incoming-call'
import { errorFields, type Logger } from './logger'
import { RecentIds } from './recent-ids'
import type { RoomStore } from './room-store'

/** How many event ids the receiver remembers to drop duplicate deliveries. */
export const REMEMBERED_WEBHOOK_EVENTS = 10_000

export interface WebhookReceiverSettings {
  adapters: ReadonlyMap<string, ServerAdapter>
  store: RoomStore
  emitter: EventEmitter<CallServerEvents>
  /** The public URL of a delivery; undefined means `request.url`. */
  webhookUrl: (request: Request) => string | undefined
  remembered?: number
  /** Where refused deliveries and vendor faults are logged. */
  logger?: Logger | undefined
}

/** Receives `POST /webhooks/:provider`: verify, parse, drop duplicates, update the store, emit. */
export type WebhookReceiver = (call: IncomingCall, provider: string) => Promise<Answer>

const lenientUtf8 = new TextDecoder('utf-8')

export function createWebhookReceiver(settings: WebhookReceiverSettings): WebhookReceiver {
  const { adapters, store, emitter, webhookUrl, logger } = settings
  const seen = new RecentIds(settings.remembered ?? REMEMBERED_WEBHOOK_EVENTS)

  /** A room-ended event ends the room's record, if the record is about that very room. */
  async function forgetEndedRoom(provider: string, event: WebhookEvent): Promise<void> {
    const name = event.room.name
    if (event.type !== 'room-ended' || name === undefined) return
    const record = await store.get(name)
    if (record && record.provider === provider && record.providerRoomId === event.room.providerRoomId) await store.delete(name)
  }

  async function deliver(provider: string, event: WebhookEvent): Promise<void> {
    const key = `${provider}\u0000${event.id}`
    if (seen.has(key)) return
    seen.add(key)
    try {
      await forgetEndedRoom(provider, event)
      emitter.emit(event.type, event as never)
      emitter.emit('webhook', event)
    } catch (error) {
      // Not handled: let the vendor's redelivery through.
      seen.delete(key)
      throw error
    }
  }

  async function receive(call: IncomingCall, provider: string): Promise<Answer> {
    const adapter = adapters.get(provider)
    const webhook = adapter?.webhook
    if (!adapter || !webhook) throw new CallportError('NOT_FOUND', `There is no webhook endpoint for provider "${provider}"`)
    const body = lenientUtf8.decode(await call.readBody(MAXIMUM_BODY_BYTES))
    const delivery: WebhookRequest = { url: webhookUrl(call.request()) ?? call.url, method: call.method, headers: call.headers(), body }
    const authentic = await callAdapter(adapter, async () => webhook.verify(delivery), { operation: 'webhook.verify', logger })
    if (authentic !== true) throw new CallportError('FORBIDDEN', 'The webhook delivery could not be verified', { provider })
    const events = await callAdapter(adapter, async () => webhook.parse(delivery), { operation: 'webhook.parse', logger })
    for (const event of events) await deliver(provider, event)
    return emptyAnswer(204)
  }

  return async (call, provider) => {
    const started = performance.now()
    try {
      return await receive(call, provider)
    } catch (error) {
      const failure = CallportError.isInstance(error) ? error : undefined
      const name = provider.slice(0, 100)
      logger?.warn(
        { event: 'webhook-refused', ...errorFields(error), provider: name, status: failure?.status ?? 500, latency: Math.round(performance.now() - started) },
        `Webhook for ${name} refused: ${failure?.code ?? 'INTERNAL'}`,
      )
      throw error
    }
  }
}
