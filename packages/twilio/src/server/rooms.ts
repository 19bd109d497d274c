import * as z from 'zod/mini'
import { CallportError } from '@callport/core'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import type { TwilioRestClient, TwilioResponse } from './rest-client'
import type { TwilioRoomOptions } from './settings'
import { errorFromTwilioResponse, TwilioErrorBodySchema, unexpectedBody, type MissingResource } from './twilio-rest-errors'

/**
 * The Video REST resources Callport uses (reference/vendors.md §2.3): Rooms and their Participants.
 * Only the fields Callport reads are checked; the rest of Twilio's JSON is kept as it came.
 */

export const RoomResourceSchema = z.looseObject({
  sid: z.string().check(z.regex(/^RM[0-9a-fA-F]{32}$/)),
  status: z.enum(['in-progress', 'completed', 'failed']),
  unique_name: z.string(),
  date_created: z.string(),
  account_sid: z.optional(z.string()),
})
export type RoomResource = z.infer<typeof RoomResourceSchema>

export const ParticipantResourceSchema = z.looseObject({
  sid: z.string().check(z.regex(/^PA[0-9a-fA-F]{32}$/)),
  room_sid: z.string(),
  identity: z.string(),
  status: z.enum(['connected', 'disconnected', 'reconnecting']),
})
export type ParticipantResource = z.infer<typeof ParticipantResourceSchema>

const ParticipantPageSchema = z.looseObject({
  participants: z.array(ParticipantResourceSchema),
  meta: z.looseObject({ next_page_url: z.optional(z.nullable(z.string())) }),
})

/** Twilio's "room exists" error: a room with this UniqueName is already in progress. */
export const ROOM_EXISTS = 53113

const roomPath = (nameOrSid: string): string => `/v1/Rooms/${encodeURIComponent(nameOrSid)}`

function parsed<Schema extends z.ZodMiniType>(schema: Schema, answer: TwilioResponse, operation: string): z.infer<Schema> {
  const result = schema.safeParse(answer.body)
  if (!result.success) throw unexpectedBody(answer.status, answer.body, operation, result.error.issues)
  return result.data
}

function ok(answer: TwilioResponse): boolean {
  return answer.status >= 200 && answer.status < 300
}

function failure(answer: TwilioResponse, operation: string, missing: MissingResource): CallportError {
  return errorFromTwilioResponse(answer.status, answer.body, { operation, missing }, answer.headers)
}

/** The form parameters of `POST /v1/Rooms` for a room named `uniqueName`. */
export function roomCreationParameters(uniqueName: string, options: TwilioRoomOptions, statusCallbackUrl: string | undefined): Record<string, string | number | boolean | undefined> {
  return {
    UniqueName: uniqueName,
    Type: options.type,
    StatusCallback: statusCallbackUrl,
    StatusCallbackMethod: statusCallbackUrl === undefined ? undefined : 'POST',
    MaxParticipants: options.maxParticipants,
    EmptyRoomTimeout: options.emptyRoomTimeout,
    UnusedRoomTimeout: options.unusedRoomTimeout,
    MediaRegion: options.mediaRegion,
    RecordParticipantsOnConnect: options.recordParticipantsOnConnect,
    AudioOnly: options.audioOnly,
    MaxParticipantDuration: options.maxParticipantDuration,
    VideoCodecs: options.videoCodecs?.join(','),
  }
}

/** The in-progress room named (or with the SID) `nameOrSid`, or null when there is none. */
export async function fetchRoom(rest: TwilioRestClient, nameOrSid: string, signal?: AbortSignal): Promise<RoomResource | null> {
  const operation = `getting the room ${nameOrSid}`
  const answer = await rest.send({ method: 'GET', path: roomPath(nameOrSid), signal, operation })
  if (answer.status === 404) return null
  if (!ok(answer)) throw failure(answer, operation, 'room')
  const room = parsed(RoomResourceSchema, answer, operation)
  return room.status === 'in-progress' ? room : null
}

/** How often a room that ended between "room exists" and the fetch is created again. */
const ENSURE_ATTEMPTS = 3

/**
 * Creates the room `uniqueName`, or gets it when it is already in progress: `POST /v1/Rooms`, and on
 * Twilio error 53113 ("room exists") `GET /v1/Rooms/{UniqueName}`. A room that ended in between is
 * created again.
 */
export async function ensureRoomResource(
  rest: TwilioRestClient,
  options: { uniqueName: string; room: TwilioRoomOptions; statusCallbackUrl: string | undefined; signal?: AbortSignal | undefined },
): Promise<RoomResource> {
  const operation = `creating the room ${options.uniqueName}`
  let last: CallportError | undefined
  for (let attempt = 0; attempt < ENSURE_ATTEMPTS; attempt += 1) {
    const answer = await rest.send({
      method: 'POST',
      path: '/v1/Rooms',
      parameters: roomCreationParameters(options.uniqueName, options.room, options.statusCallbackUrl),
      signal: options.signal,
      operation,
    })
    if (ok(answer)) return parsed(RoomResourceSchema, answer, operation)
    const error = TwilioErrorBodySchema.safeParse(answer.body)
    if (!(answer.status === 400 && error.success && error.data.code === ROOM_EXISTS)) throw failure(answer, operation, 'room')
    last = failure(answer, operation, 'room')
    const existing = await fetchRoom(rest, options.uniqueName, options.signal)
    if (existing) return existing
  }
  throw new CallportError('PROVIDER_UNAVAILABLE', `The room ${options.uniqueName} kept ending while it was being created`, {
    provider: TWILIO_PROVIDER,
    retryable: true,
    cause: last,
  })
}

/** The participants connected to the room `roomSid`, over every page. */
export async function listConnectedParticipants(rest: TwilioRestClient, roomSid: string, signal?: AbortSignal): Promise<ParticipantResource[]> {
  const operation = `listing the participants of the room ${roomSid}`
  const participants: ParticipantResource[] = []
  let answer = await rest.send({ method: 'GET', path: `${roomPath(roomSid)}/Participants`, parameters: { Status: 'connected' }, signal, operation })
  for (;;) {
    if (!ok(answer)) throw failure(answer, operation, 'room')
    const page = parsed(ParticipantPageSchema, answer, operation)
    participants.push(...page.participants)
    const next = page.meta.next_page_url
    if (!next) return participants
    answer = await rest.follow(next, { signal, operation })
  }
}

/** Disconnects the participant `identity` from the room `roomSid` (`Status=disconnected`). */
export async function disconnectParticipant(rest: TwilioRestClient, roomSid: string, identity: string, signal?: AbortSignal): Promise<void> {
  const operation = `removing ${identity} from the room ${roomSid}`
  const answer = await rest.send({
    method: 'POST',
    path: `${roomPath(roomSid)}/Participants/${encodeURIComponent(identity)}`,
    parameters: { Status: 'disconnected' },
    signal,
    operation,
  })
  if (!ok(answer)) throw failure(answer, operation, 'participant')
}

/** Ends the room `roomSid` (`Status=completed`): everyone in it is disconnected. */
export async function completeRoom(rest: TwilioRestClient, roomSid: string, signal?: AbortSignal): Promise<void> {
  const operation = `completing the room ${roomSid}`
  const answer = await rest.send({ method: 'POST', path: roomPath(roomSid), parameters: { Status: 'completed' }, signal, operation })
  if (!ok(answer)) throw failure(answer, operation, 'room')
}
