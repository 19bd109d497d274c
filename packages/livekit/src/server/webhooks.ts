import * as z from 'zod/mini'
import { CallportError, RoomNameSchema, type WebhookEvent, type WebhookHandler, type WebhookParticipant, type WebhookRequest } from '@callport/core'
import { verifyHs256JwtAsync, type JwtClaims } from '@callport/provider-utils/server'
import { LIVEKIT_PROVIDER } from '../shared/provider-id'

/**
 * LiveKit webhooks, as `livekit/protocol` `webhook/url_notifier.go` sends them: a POST of the
 * `WebhookEvent` protobuf in protojson (lowerCamelCase names, int64 as strings, enums by name, default
 * values left out), `Content-Type: application/webhook+json`, and an `Authorization` header holding a
 * bare JWT (no `Bearer`): HS256 with the API secret, `iss` the API key, valid 5 minutes, whose
 * `sha256` claim is the base64 SHA-256 of the body's bytes. livekit-server-sdk's `WebhookReceiver`
 * and the Go `webhook.Receive` check the same (the SDK with 10 seconds of clock tolerance).
 */

/** The header LiveKit signs a delivery in. */
export const LIVEKIT_WEBHOOK_SIGNATURE_HEADER = 'authorization'
/** Seconds of clock skew tolerated on the delivery token's `exp` and `nbf`, as livekit-server-sdk's `TokenVerifier`. */
export const LIVEKIT_WEBHOOK_CLOCK_TOLERANCE_SECONDS = 10

/** An enum field: protojson writes its name, and a number for a value the sender did not know. */
const enumValue = z.optional(z.union([z.string(), z.number()]))
/** An int64 field: a string in protojson, a number when another encoder wrote it. */
const int64Value = z.optional(z.union([z.string(), z.number()]))
const text = z.optional(z.string())

const RoomSchema = z.looseObject({ sid: text, name: text })
const ParticipantSchema = z.looseObject({ sid: text, identity: text, name: text, disconnectReason: enumValue })
const TrackSchema = z.looseObject({ sid: text, type: enumValue })
const LocationSchema = z.looseObject({ location: text })
const EgressSchema = z.looseObject({
  egressId: text,
  roomId: text,
  roomName: text,
  status: enumValue,
  fileResults: z.optional(z.array(LocationSchema)),
  file: z.optional(LocationSchema),
  segmentResults: z.optional(z.array(z.looseObject({ playlistLocation: text }))),
})

/** The fields of LiveKit's `WebhookEvent` Callport reads; every other field is kept in `raw` only. */
export const LiveKitWebhookBodySchema = z.looseObject({
  event: z.string().check(z.minLength(1)),
  id: text,
  createdAt: int64Value,
  room: z.optional(RoomSchema),
  participant: z.optional(ParticipantSchema),
  track: z.optional(TrackSchema),
  egressInfo: z.optional(EgressSchema),
})
type LiveKitWebhookBody = z.infer<typeof LiveKitWebhookBodySchema>

/** `TrackType` (livekit_models.proto): AUDIO is 0, so protojson leaves it out. */
function trackKindOf(type: string | number | undefined): 'audio' | 'video' | 'data' | undefined {
  if (type === undefined || type === 'AUDIO' || type === 0) return 'audio'
  if (type === 'VIDEO' || type === 1) return 'video'
  if (type === 'DATA' || type === 2) return 'data'
  return undefined
}

/**
 * How an ended egress went (`EgressStatus`, livekit_egress.proto): COMPLETE (3) and LIMIT_REACHED (6,
 * stopped at a configured time limit, its output written) completed; FAILED (4), ABORTED (5) and
 * anything else failed.
 */
function endedEgressStatus(status: string | number | undefined): 'completed' | 'failed' {
  return status === 'EGRESS_COMPLETE' || status === 3 || status === 'EGRESS_LIMIT_REACHED' || status === 6 ? 'completed' : 'failed'
}

function participantOf(body: LiveKitWebhookBody): WebhookParticipant | undefined {
  const participant = body.participant
  if (!participant?.identity) return undefined
  return {
    identity: participant.identity,
    ...(participant.sid ? { providerParticipantId: participant.sid } : {}),
    ...(participant.name ? { name: participant.name } : {}),
  }
}

/**
 * The room an event is about: `room`, or for egress events the egress's room. Its id is LiveKit's room
 * `sid` (what RoomService gave `ensureRoom`), or the name for a body that carries no sid.
 */
function roomOf(body: LiveKitWebhookBody): WebhookEvent['room'] {
  const sid = body.room?.sid || body.egressInfo?.roomId || ''
  const name = body.room?.name || body.egressInfo?.roomName
  return { providerRoomId: sid || name || '', ...(name !== undefined && RoomNameSchema.safeParse(name).success ? { name } : {}) }
}

/** `createdAt` (seconds since the epoch) as ISO 8601; now when it is missing or not a time. */
function occurredAt(createdAt: string | number | undefined): string {
  const seconds = createdAt === undefined || createdAt === '' ? Number.NaN : Number(createdAt)
  const time = seconds * 1000
  return new Date(Number.isFinite(time) && Math.abs(time) <= 8.64e15 ? time : Date.now()).toISOString()
}

function recordingOf(body: LiveKitWebhookBody, status: 'started' | 'completed' | 'failed'): { id: string; status: typeof status; url?: string } {
  const egress = body.egressInfo
  const url =
    egress?.fileResults?.find((file) => file.location)?.location ||
    egress?.file?.location ||
    egress?.segmentResults?.find((segments) => segments.playlistLocation)?.playlistLocation
  return { id: egress?.egressId ?? '', status, ...(url ? { url } : {}) }
}

/** The SHA-256 of `text`'s UTF-8 bytes (Web Crypto, so the server half runs on edge runtimes too). */
async function sha256Of(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
}

/** A stable id for a body without LiveKit's `id` (servers before it had one): the SHA-256 of its text. */
async function bodyDigestId(text: string): Promise<string> {
  return `livekit-${Array.from((await sha256Of(text)).subarray(0, 20), (byte) => byte.toString(16).padStart(2, '0')).join('')}`
}

/**
 * Normalizes one LiveKit webhook body (already JSON-parsed). The event id is LiveKit's own `id`
 * (a UUID per event, the same on every retry), which @callport/server drops duplicates by; `fallbackId`
 * serves a body without one. Events Callport has no type for are `provider-event`s named as LiveKit names them.
 */
export function normalizeLiveKitWebhook(raw: unknown, fallbackId: string): WebhookEvent {
  const parsed = LiveKitWebhookBodySchema.safeParse(raw)
  if (!parsed.success) {
    throw new CallportError('INVALID_INPUT', 'The LiveKit webhook body is not a LiveKit WebhookEvent', { provider: LIVEKIT_PROVIDER, details: parsed.error.issues })
  }
  const body = parsed.data
  const base = { id: body.id || fallbackId, provider: LIVEKIT_PROVIDER, room: roomOf(body), occurredAt: occurredAt(body.createdAt), raw }
  const other: WebhookEvent = { ...base, type: 'provider-event', name: body.event }
  const participant = participantOf(body)
  switch (body.event) {
    case 'room_started':
      return { ...base, type: 'room-started' }
    case 'room_finished':
      return { ...base, type: 'room-ended' }
    case 'participant_joined':
      return participant ? { ...base, type: 'participant-joined', participant } : other
    case 'participant_left': {
      if (!participant) return other
      const reason = body.participant?.disconnectReason
      return { ...base, type: 'participant-left', participant, ...(reason === undefined ? {} : { reason: String(reason) }) }
    }
    case 'track_published':
    case 'track_unpublished': {
      const kind = body.track && trackKindOf(body.track.type)
      if (!participant || !kind || !body.track?.sid) return other
      return { ...base, type: body.event === 'track_published' ? 'track-published' : 'track-unpublished', participant, track: { id: body.track.sid, kind } }
    }
    case 'egress_started':
      return body.egressInfo?.egressId ? { ...base, type: 'recording-started', recording: recordingOf(body, 'started') } : other
    case 'egress_ended':
      return body.egressInfo?.egressId ? { ...base, type: 'recording-ended', recording: recordingOf(body, endedEgressStatus(body.egressInfo.status)) } : other
    default:
      return other
  }
}

/** base64 of the SHA-256 of `text`'s UTF-8 bytes: what LiveKit puts in the `sha256` claim. */
async function bodySha256(text: string): Promise<string> {
  return btoa(String.fromCharCode(...(await sha256Of(text))))
}

/** True when the strings are equal, in a time that depends only on their lengths. */
function sameText(given: string, expected: string): boolean {
  if (given.length !== expected.length) return false
  let difference = 0
  for (let index = 0; index < given.length; index += 1) difference |= given.charCodeAt(index) ^ expected.charCodeAt(index)
  return difference === 0
}

/**
 * The webhook handler of the LiveKit adapter. A delivery is authentic when it is a POST whose
 * `Authorization` JWT is signed with `apiSecret`, issued by `apiKey`, unexpired (10 seconds of
 * tolerance) and carries the base64 SHA-256 of the body as `sha256`. LiveKit signs webhooks with the
 * key named in its `webhook.api_key` configuration: it must be the adapter's `apiKey`.
 */
export function createLiveKitWebhookHandler(credentials: { apiKey: string; apiSecret: string }): WebhookHandler {
  return {
    async verify(request: WebhookRequest): Promise<boolean> {
      if (request.method.toUpperCase() !== 'POST') return false
      const token = request.headers.get(LIVEKIT_WEBHOOK_SIGNATURE_HEADER)
      if (!token) return false
      let claims: JwtClaims
      try {
        claims = await verifyHs256JwtAsync(token, credentials.apiSecret, { clockToleranceSeconds: LIVEKIT_WEBHOOK_CLOCK_TOLERANCE_SECONDS, provider: LIVEKIT_PROVIDER })
      } catch {
        return false
      }
      // As livekit-server-sdk's TokenVerifier: the issuer is the API key and `exp` is required.
      if (claims.iss !== credentials.apiKey || typeof claims.exp !== 'number' || typeof claims.sha256 !== 'string') return false
      return sameText(claims.sha256, await bodySha256(request.body))
    },
    async parse(request: WebhookRequest): Promise<WebhookEvent[]> {
      let body: unknown
      try {
        body = JSON.parse(request.body)
      } catch (cause) {
        throw new CallportError('INVALID_INPUT', 'The LiveKit webhook body is not JSON', { provider: LIVEKIT_PROVIDER, cause })
      }
      return [normalizeLiveKitWebhook(body, await bodyDigestId(request.body))]
    },
  }
}
