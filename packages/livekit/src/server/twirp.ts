import * as z from 'zod/mini'
import type { ErrorCode } from '@callport/core'
import { createVendorRestClient, type VendorAnswerSnapshot, type VendorErrorDescription } from '@callport/provider-utils/server'
import { LIVEKIT_PROVIDER } from '../shared/provider-id'
import { VERSION } from '../shared/version'
import { createAccessToken, type LiveKitVideoGrant } from './access-token'
import type { ResolvedLiveKitSettings } from './settings'

/** Twirp's error body (twitchtv/twirp `docs/spec_v7.md`, "Error codes"): `{"code":"not_found","msg":"…","meta":{…}}`. */
export const TwirpErrorBodySchema = z.looseObject({
  code: z.string(),
  msg: z.string(),
  meta: z.optional(z.record(z.string(), z.string())),
})

/**
 * What each Twirp error code means to Callport. `not_found` is left to the HTTP status (404), so
 * that each request's `notFound` (a room, a participant) names what was missing. Codes not listed
 * (`internal`, `unknown`, `dataloss`, `canceled`) keep the meaning of their HTTP status.
 */
const twirpMeanings: Readonly<Record<string, { code: ErrorCode; retryable: boolean }>> = {
  invalid_argument: { code: 'INVALID_INPUT', retryable: false },
  malformed: { code: 'INVALID_INPUT', retryable: false },
  out_of_range: { code: 'INVALID_INPUT', retryable: false },
  already_exists: { code: 'CONFLICT', retryable: false },
  unauthenticated: { code: 'PROVIDER_REJECTED', retryable: false },
  permission_denied: { code: 'PROVIDER_REJECTED', retryable: false },
  failed_precondition: { code: 'PROVIDER_REJECTED', retryable: false },
  resource_exhausted: { code: 'RATE_LIMITED', retryable: true },
  unimplemented: { code: 'UNSUPPORTED', retryable: false },
  aborted: { code: 'PROVIDER_UNAVAILABLE', retryable: true },
  deadline_exceeded: { code: 'PROVIDER_UNAVAILABLE', retryable: true },
  unavailable: { code: 'PROVIDER_UNAVAILABLE', retryable: true },
}

/** Reads a Twirp error body: its `msg` and `code` go in the message and in `details` (`{ twirpCode, meta }`). */
export function describeTwirpError({ body }: VendorAnswerSnapshot): VendorErrorDescription | undefined {
  const parsed = TwirpErrorBodySchema.safeParse(body)
  if (!parsed.success) return undefined
  const { code, msg, meta } = parsed.data
  const description: VendorErrorDescription = { detail: `${msg} (Twirp ${code})`, details: { twirpCode: code, ...(meta ? { meta } : {}) } }
  const meaning = twirpMeanings[code]
  return meaning ? { ...description, ...meaning } : description
}

/** Lifetime of the token that authorizes one RoomService call: livekit-server-sdk's `ServiceBase` default, 10 minutes. */
const SERVICE_TOKEN_TTL_SECONDS = 600

export interface TwirpCall<T> {
  /** `CreateRoom`, `ListParticipants` … of `livekit.RoomService`. */
  method: string
  /** The request message as protobuf JSON (camelCase names, default values left out, as livekit-server-sdk sends it). */
  body: Record<string, unknown>
  /** The grants this method needs, put in the call's own bearer token. */
  grant: LiveKitVideoGrant
  schema?: z.ZodMiniType<T>
  operation: string
  notFound?: ErrorCode
  /** Whether sending the call twice is harmless (every RoomService call Callport makes is). */
  idempotent: boolean
  signal?: AbortSignal | undefined
}

/** One Twirp call to `livekit.RoomService`: `POST <url>/twirp/livekit.RoomService/<Method>` with JSON and a bearer token. */
export async function callRoomService<T>(settings: ResolvedLiveKitSettings, call: TwirpCall<T>): Promise<T> {
  const token = await createAccessToken({
    apiKey: settings.apiKey,
    apiSecret: settings.apiSecret,
    video: call.grant,
    issuedAt: Math.floor(Date.now() / 1000),
    ttlSeconds: SERVICE_TOKEN_TTL_SECONDS,
  })
  // The bearer token differs per call (its grants name the room), and the shared client's headers are
  // fixed when it is made: one client per call. (A per-request header in provider-utils would save this.)
  const client = createVendorRestClient({
    provider: LIVEKIT_PROVIDER,
    vendor: 'LiveKit',
    providerVersion: VERSION,
    baseUrl: settings.apiUrl,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    settings: settings.rest,
    describeError: describeTwirpError,
  })
  return client.request<T>({
    method: 'POST',
    path: `/twirp/livekit.RoomService/${call.method}`,
    body: { json: call.body },
    operation: call.operation,
    idempotent: call.idempotent,
    ...(call.schema ? { schema: call.schema } : {}),
    ...(call.notFound ? { notFound: call.notFound } : {}),
    signal: call.signal,
  })
}
