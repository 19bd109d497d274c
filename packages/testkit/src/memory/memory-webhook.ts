import { createHmac, timingSafeEqual } from 'node:crypto'
import { CallportError, IdentitySchema, IsoInstantSchema, parseInput, RoomNameSchema, type WebhookEvent, type WebhookHandler, type WebhookRequest } from '@callport/core'
import * as z from 'zod/mini'
import { memoryProviderId } from './memory-token'

/** The header a memory webhook delivery carries its signature in. */
export const memoryWebhookSignatureHeader = 'x-memory-signature'

const MemoryWebhookPayloadSchema = z.object({
  /** Unique per event; a delivery sent again keeps it. */
  id: z.string().check(z.minLength(1)),
  type: z.enum(['room-started', 'room-ended', 'participant-joined', 'participant-left']),
  room: z.object({ name: z.optional(RoomNameSchema), providerRoomId: z.string().check(z.minLength(1)) }),
  participant: z.optional(z.object({ identity: IdentitySchema, providerParticipantId: z.optional(z.string()) })),
  occurredAt: IsoInstantSchema,
})

/**
 * One event of a memory webhook delivery, as the body carries it (JSON: one event, or an array of
 * them). `participant` is required for `participant-joined` and `participant-left`.
 */
export type MemoryWebhookPayload = z.infer<typeof MemoryWebhookPayloadSchema>

const MemoryWebhookBodySchema = z.union([MemoryWebhookPayloadSchema, z.array(MemoryWebhookPayloadSchema)])

/** The signature of a delivery: HMAC-SHA256 with the hub secret over the URL, a line feed and the body, base64url. */
function signatureOf(secret: string, url: string, body: string): string {
  return createHmac('sha256', secret).update(`${url}\n${body}`).digest('base64url')
}

/** A delivery of `body` to `url`, signed as the memory provider signs its webhooks. */
export function signMemoryWebhook(secret: string, delivery: { body: string; url: string }): WebhookRequest {
  return {
    url: delivery.url,
    method: 'POST',
    headers: new Headers({ 'content-type': 'application/json', [memoryWebhookSignatureHeader]: signatureOf(secret, delivery.url, delivery.body) }),
    body: delivery.body,
  }
}

function toEvent(payload: MemoryWebhookPayload): WebhookEvent {
  const common = { id: payload.id, provider: memoryProviderId, room: payload.room, occurredAt: payload.occurredAt, raw: payload }
  if (payload.type === 'room-started' || payload.type === 'room-ended') return { ...common, type: payload.type }
  if (!payload.participant) {
    throw new CallportError('INVALID_INPUT', `A memory "${payload.type}" webhook needs its participant`, { provider: memoryProviderId })
  }
  return { ...common, type: payload.type, participant: payload.participant }
}

/** The webhook handler of the memory provider: verifies the signature header, parses the JSON body. */
export function memoryWebhookHandler(secret: string): WebhookHandler {
  return {
    verify(request) {
      const given = Buffer.from(request.headers.get(memoryWebhookSignatureHeader) ?? '')
      const expected = Buffer.from(signatureOf(secret, request.url, request.body))
      return given.length === expected.length && timingSafeEqual(given, expected)
    },
    parse(request) {
      let body: unknown
      try {
        body = JSON.parse(request.body)
      } catch (cause) {
        throw new CallportError('INVALID_INPUT', 'A memory webhook body is JSON', { provider: memoryProviderId, cause })
      }
      const parsed = parseInput(MemoryWebhookBodySchema, body, { subject: 'Invalid memory webhook', provider: memoryProviderId })
      return (Array.isArray(parsed) ? parsed : [parsed]).map(toEvent)
    },
  }
}
