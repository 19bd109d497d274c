import * as z from 'zod/mini'
import { CallportError } from '@callport/core'
import type { VendorRestClient } from '@callport/provider-utils/server'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import type { TwilioRoomOptions } from './settings'
import { twilioCodeOfFailure } from './twilio-rest'

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
/** Twilio's "room is not in progress" error, when completing a room that already ended. */
export const ROOM_NOT_IN_PROGRESS = 53112

const roomPath = (nameOrSid: string): string => `/v1/Rooms/${encodeURIComponent(nameOrSid)}`

/** The form body of `POST /v1/Rooms` for a room named `uniqueName`; `VideoCodecs` repeats its key, as twilio-node sends it. */
export function roomCreationParameters(
  uniqueName: string,
  options: TwilioRoomOptions,
  statusCallbackUrl: string | undefined,
): Record<string, string | number | boolean | readonly string[] | undefined> {
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
    VideoCodecs: options.videoCodecs,
  }
}

/** The in-progress room named (or with the SID) `nameOrSid`, or null when there is none. */
export async function fetchRoom(rest: VendorRestClient, nameOrSid: string, signal?: AbortSignal): Promise<RoomResource | null> {
  const answer = await rest.requestWithStatus({
    method: 'GET',
    path: roomPath(nameOrSid),
    schema: RoomResourceSchema,
    accept: [404],
    operation: `getting the room ${nameOrSid}`,
    signal,
  })
  return answer.ok && answer.data.status === 'in-progress' ? answer.data : null
}

/** How often a room that ended between "room exists" and the fetch is created again. */
const ENSURE_ATTEMPTS = 3

/**
 * Creates the room `uniqueName`, or gets it when it is already in progress: `POST /v1/Rooms`, and on
 * Twilio error 53113 ("room exists") `GET /v1/Rooms/{UniqueName}`. A room that ended in between is
 * created again. Creating by UniqueName makes the POST safe to repeat, so it is retried like a GET.
 */
export async function ensureRoomResource(
  rest: VendorRestClient,
  options: { uniqueName: string; room: TwilioRoomOptions; statusCallbackUrl: string | undefined; signal?: AbortSignal | undefined },
): Promise<RoomResource> {
  let last: CallportError | undefined
  for (let attempt = 0; attempt < ENSURE_ATTEMPTS; attempt += 1) {
    try {
      return await rest.request({
        method: 'POST',
        path: '/v1/Rooms',
        body: { form: roomCreationParameters(options.uniqueName, options.room, options.statusCallbackUrl) },
        schema: RoomResourceSchema,
        idempotent: true,
        operation: `creating the room ${options.uniqueName}`,
        signal: options.signal,
      })
    } catch (error) {
      if (!CallportError.isInstance(error) || twilioCodeOfFailure(error) !== ROOM_EXISTS) throw error
      last = error
    }
    const existing = await fetchRoom(rest, options.uniqueName, options.signal)
    if (existing) return existing
  }
  throw new CallportError('PROVIDER_UNAVAILABLE', `The room ${options.uniqueName} kept ending while it was being created`, {
    provider: TWILIO_PROVIDER,
    retryable: true,
    cause: last,
  })
}

/** The participants connected to the room `roomSid`, over every page (`meta.next_page_url`, on the API's origin only). */
export async function listConnectedParticipants(rest: VendorRestClient, roomSid: string, signal?: AbortSignal): Promise<ParticipantResource[]> {
  const operation = `listing the participants of the room ${roomSid}`
  const participants: ParticipantResource[] = []
  let page = await rest.request({
    method: 'GET',
    path: `${roomPath(roomSid)}/Participants`,
    query: { Status: 'connected' },
    schema: ParticipantPageSchema,
    notFound: 'ROOM_NOT_FOUND',
    operation,
    signal,
  })
  for (;;) {
    participants.push(...page.participants)
    const next = page.meta.next_page_url
    if (!next) return participants
    // An absolute URL: the REST client follows it only on the base URL's origin, so credentials stay there.
    page = await rest.request({ method: 'GET', path: next, schema: ParticipantPageSchema, notFound: 'ROOM_NOT_FOUND', operation, signal })
  }
}

/** Disconnects the participant `identity` from the room `roomSid` (`Status=disconnected`). */
export async function disconnectParticipant(rest: VendorRestClient, roomSid: string, identity: string, signal?: AbortSignal): Promise<void> {
  await rest.request({
    method: 'POST',
    path: `${roomPath(roomSid)}/Participants/${encodeURIComponent(identity)}`,
    body: { form: { Status: 'disconnected' } },
    idempotent: true,
    notFound: 'PARTICIPANT_NOT_FOUND',
    operation: `removing ${identity} from the room ${roomSid}`,
    signal,
  })
}

/**
 * Ends the room `roomSid` (`Status=completed`): everyone in it is disconnected. A room that has
 * already ended answers 53112 ("room is not in progress"): it is closed, which is what was asked.
 */
export async function completeRoom(rest: VendorRestClient, roomSid: string, signal?: AbortSignal): Promise<void> {
  try {
    await rest.request({
      method: 'POST',
      path: roomPath(roomSid),
      body: { form: { Status: 'completed' } },
      idempotent: true,
      notFound: 'ROOM_NOT_FOUND',
      operation: `completing the room ${roomSid}`,
      signal,
    })
  } catch (error) {
    if (CallportError.isInstance(error) && twilioCodeOfFailure(error) === ROOM_NOT_IN_PROGRESS) return
    throw error
  }
}
