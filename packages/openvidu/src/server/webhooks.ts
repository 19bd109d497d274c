import { createHash, timingSafeEqual } from 'node:crypto'
import * as z from 'zod/mini'
import { CallportError, type WebhookEvent, type WebhookHandler, type WebhookParticipant, type WebhookRequest } from '@callport/core'
import { participantOfConnection } from '../shared/connection-data'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { roomOfSessionId } from './session-id'
import type { OpenViduWebhookHeader } from './settings'

/**
 * OpenVidu webhooks (reference/vendors.md §1.8): a POST of the event's JSON plus `"event": "<name>"`.
 * OpenVidu signs nothing; a delivery is authentic when it carries the header(s) OpenVidu was
 * configured to send (`OPENVIDU_WEBHOOK_HEADERS`), compared in constant time.
 */

const WebhookBodySchema = z.looseObject({
  event: z.string().check(z.minLength(1)),
  sessionId: z.string().check(z.minLength(1)),
  uniqueSessionId: z.optional(z.string()),
  timestamp: z.number(),
  reason: z.optional(z.string()),
  participantId: z.optional(z.string()),
  connectionId: z.optional(z.string()),
  serverData: z.optional(z.nullable(z.string())),
  clientData: z.optional(z.nullable(z.string())),
  id: z.optional(z.string()),
  status: z.optional(z.string()),
})
type WebhookBody = z.infer<typeof WebhookBodySchema>

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest()

/** True when `given` equals `expected`, in time that does not depend on where they differ. */
export function sameSecret(given: string | null, expected: string): boolean {
  if (given === null) return false
  // Comparing fixed-length digests keeps the time independent of the lengths too.
  return timingSafeEqual(digest(given), digest(expected))
}

/** JSON with object keys sorted, so one event gives one text however its keys were ordered. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** A stable id: the same event delivered twice has the same id, two events never do (they differ in content). */
export function webhookEventId(body: unknown): string {
  return `openvidu-${createHash('sha256').update(canonicalJson(body)).digest('hex').slice(0, 40)}`
}

function participantOf(body: WebhookBody): WebhookParticipant {
  const connectionId = body.connectionId ?? body.participantId ?? ''
  const { identity, name } = participantOfConnection({ connectionId, serverData: body.serverData, clientData: body.clientData })
  return { identity, providerParticipantId: connectionId, ...(name === undefined ? {} : { name }) }
}

/**
 * The recording of a `recordingStatusChanged` event. openvidu-server 2.32.2's
 * `cdr/CDREventRecordingStatusChanged.java` `toJson` sends `id`, `name`, `outputMode`, sizes,
 * `duration` and `status`, never a URL (a recording's URL is only in `GET /openvidu/api/recordings/{id}`),
 * so the normalized recording has none, whatever the body carries.
 */
function recordingOf(body: WebhookBody, status: 'started' | 'completed' | 'failed'): { id: string; status: typeof status } {
  return { id: body.id ?? '', status }
}

/** Normalizes one OpenVidu webhook body. Recording statuses `starting` and `stopped` are intermediate: provider-event. */
export function normalizeWebhookBody(raw: unknown): WebhookEvent {
  const parsed = WebhookBodySchema.safeParse(raw)
  if (!parsed.success) {
    throw new CallportError('INVALID_INPUT', 'The OpenVidu webhook body is not an OpenVidu event', { provider: OPENVIDU_PROVIDER, details: parsed.error.issues })
  }
  const body = parsed.data
  const name = roomOfSessionId(body.sessionId)
  const base = {
    id: webhookEventId(raw),
    provider: OPENVIDU_PROVIDER,
    room: { providerRoomId: body.sessionId, ...(name === undefined ? {} : { name }) },
    occurredAt: new Date(body.timestamp).toISOString(),
    raw,
  }
  const reason = body.reason === undefined ? {} : { reason: body.reason }
  switch (body.event) {
    case 'sessionCreated':
      return { ...base, type: 'room-started' }
    case 'sessionDestroyed':
      return { ...base, type: 'room-ended', ...reason }
    case 'participantJoined':
      return { ...base, type: 'participant-joined', participant: participantOf(body) }
    case 'participantLeft':
      return { ...base, type: 'participant-left', participant: participantOf(body), ...reason }
    case 'recordingStatusChanged':
      if (body.status === 'started') return { ...base, type: 'recording-started', recording: recordingOf(body, 'started') }
      if (body.status === 'ready') return { ...base, type: 'recording-ended', recording: recordingOf(body, 'completed') }
      if (body.status === 'failed') return { ...base, type: 'recording-ended', recording: recordingOf(body, 'failed') }
      return { ...base, type: 'provider-event', name: body.event }
    default:
      return { ...base, type: 'provider-event', name: body.event }
  }
}

/** The webhook handler of the OpenVidu adapter, authenticating deliveries by `headers`. */
export function createOpenViduWebhookHandler(headers: readonly OpenViduWebhookHeader[]): WebhookHandler {
  // OpenVidu sends each value as configured; the receiving HTTP parser (and Fetch's Headers) strips the
  // spaces and tabs around a header value, so a configured " v" arrives as "v" and is compared as such.
  const expected = headers.map((header) => ({ name: header.name, value: header.value.replace(/^[ \t]+|[ \t]+$/g, '') }))
  return {
    verify(request: WebhookRequest): boolean {
      if (request.method.toUpperCase() !== 'POST' || headers.length === 0) return false
      // Every header is checked, so the time taken does not tell which one was wrong.
      return expected.map((header) => sameSecret(request.headers.get(header.name), header.value)).every(Boolean)
    },
    parse(request: WebhookRequest): WebhookEvent[] {
      let body: unknown
      try {
        body = JSON.parse(request.body)
      } catch (cause) {
        throw new CallportError('INVALID_INPUT', 'The OpenVidu webhook body is not JSON', { provider: OPENVIDU_PROVIDER, cause })
      }
      return [normalizeWebhookBody(body)]
    },
  }
}
