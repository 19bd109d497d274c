import { createHash } from 'node:crypto'
import { CallportError, RoomNameSchema, type WebhookEvent, type WebhookHandler, type WebhookParticipant, type WebhookRequest } from '@callport/core'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { isValidTwilioSignature, parseFormParameters, SIGNATURE_SETTINGS_HEADER, signatureAlgorithmOf, type SignedParameters } from './request-signature'
import { statusCallbackParameters as names } from './status-callback-parameters'

/**
 * Twilio Video status callbacks (reference/vendors.md §2.4): form-encoded POSTs signed with
 * `X-Twilio-Signature`, one event each, normalized to Callport's WebhookEvent. The event id is
 * `twilio-<RoomSid>-<SequenceNumber>` (Twilio numbers a room's events from 0), or a hash of every
 * parameter when either is missing, so a redelivery has the id of the first delivery.
 */

type Parameters = Readonly<Record<string, string>>

/** One value per parameter: the first, for a repeated name. */
function singleValues(parameters: SignedParameters): Parameters {
  return Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, typeof value === 'string' ? value : (value[0] ?? '')]))
}

/** A stable id for the callback: the same event delivered twice has the same id. */
export function statusCallbackEventId(parameters: Parameters): string {
  const roomSid = parameters[names.roomSid]
  const sequence = parameters[names.sequenceNumber]
  if (roomSid && sequence) return `twilio-${roomSid}-${sequence}`
  const canonical = JSON.stringify(
    Object.keys(parameters)
      .sort()
      .map((name) => [name, parameters[name]]),
  )
  return `twilio-${createHash('sha256').update(canonical).digest('hex').slice(0, 40)}`
}

function occurredAt(timestamp: string | undefined): string {
  const time = timestamp === undefined ? Number.NaN : Date.parse(timestamp)
  return new Date(Number.isNaN(time) ? Date.now() : time).toISOString()
}

function participantOf(parameters: Parameters): WebhookParticipant | undefined {
  const identity = parameters[names.participantIdentity]
  if (!identity) return undefined
  const sid = parameters[names.participantSid]
  return { identity, ...(sid ? { providerParticipantId: sid } : {}) }
}

function trackKindOf(kind: string | undefined): 'audio' | 'video' | 'data' | undefined {
  return kind === 'audio' || kind === 'video' || kind === 'data' ? kind : undefined
}

/** Normalizes the parameters of one status callback. Throws INVALID_INPUT when it names no event. */
export function normalizeStatusCallback(signed: SignedParameters): WebhookEvent {
  const parameters = singleValues(signed)
  const event = parameters[names.event]
  if (!event) {
    throw new CallportError('INVALID_INPUT', `The Twilio status callback has no ${names.event}`, { provider: TWILIO_PROVIDER })
  }
  const roomName = parameters[names.roomName]
  const base = {
    id: statusCallbackEventId(parameters),
    provider: TWILIO_PROVIDER,
    room: {
      providerRoomId: parameters[names.roomSid] || roomName || '',
      ...(roomName !== undefined && RoomNameSchema.safeParse(roomName).success ? { name: roomName } : {}),
    },
    occurredAt: occurredAt(parameters[names.timestamp]),
    raw: signed,
  }
  const other: WebhookEvent = { ...base, type: 'provider-event', name: event }
  const participant = participantOf(parameters)
  const kind = trackKindOf(parameters[names.trackKind])
  const recording = (status: 'started' | 'completed' | 'failed') => {
    const url = parameters[names.recordingUri]
    return { id: parameters[names.recordingSid] ?? '', status, ...(url ? { url } : {}) }
  }
  switch (event) {
    case 'room-created':
      return { ...base, type: 'room-started' }
    case 'room-ended':
      return { ...base, type: 'room-ended' }
    case 'participant-connected':
      return participant ? { ...base, type: 'participant-joined', participant } : other
    case 'participant-disconnected':
      return participant ? { ...base, type: 'participant-left', participant } : other
    case 'track-added':
    case 'track-removed':
      if (!participant || !kind) return other
      return {
        ...base,
        type: event === 'track-added' ? 'track-published' : 'track-unpublished',
        participant,
        track: { id: parameters[names.trackSid] ?? '', kind },
      }
    case 'recording-started':
      return { ...base, type: 'recording-started', recording: recording('started') }
    case 'recording-completed':
      return { ...base, type: 'recording-ended', recording: recording('completed') }
    case 'recording-failed':
      return { ...base, type: 'recording-ended', recording: recording('failed') }
    default:
      return other
  }
}

/**
 * The webhook handler of the Twilio adapter. A delivery is authentic when its `X-Twilio-Signature`
 * matches the URL it was posted to, or the configured status callback URL (which is exactly what
 * Twilio requested, even behind a proxy that rewrote the host). As twilio-node 6.3.1's `webhook()`
 * middleware decides: a delivery carrying `X-Twilio-Webhooks-Signature-Settings` was signed with a
 * SharedKey, so it is checked with `sharedKeySecret` under the algorithm the header names (and refused
 * without one); any other with `authToken` and HMAC-SHA1 (and refused without one).
 */
export function createStatusCallbackHandler(options: {
  authToken: string | undefined
  sharedKeySecret?: string | undefined
  statusCallbackUrl: string | undefined
}): WebhookHandler {
  return {
    verify(request: WebhookRequest): boolean {
      if (request.method.toUpperCase() !== 'POST') return false
      const settings = request.headers.get(SIGNATURE_SETTINGS_HEADER)
      const key = settings ? options.sharedKeySecret : options.authToken
      if (!key) return false
      const urls = options.statusCallbackUrl ? [request.url, options.statusCallbackUrl] : [request.url]
      return isValidTwilioSignature(key, request.headers.get('x-twilio-signature'), urls, parseFormParameters(request.body), signatureAlgorithmOf(settings))
    },
    parse(request: WebhookRequest): WebhookEvent[] {
      return [normalizeStatusCallback(parseFormParameters(request.body))]
    },
  }
}
