import * as z from 'zod/mini'
import type { Metadata, TrackKind } from '@callport/core'
import type { ResolvedLiveKitSettings } from './settings'
import { callRoomService } from './twirp'

/**
 * RoomService answers are protobuf JSON. LiveKit's Twirp server writes the proto field names
 * (`creation_time`); protobuf-es clients accept the JSON names too (`creationTime`), so both are read.
 * int64 values come as strings, or as numbers from some proxies.
 */
const int64 = z.optional(z.union([z.string(), z.number()]))

export const RoomInfoSchema = z.looseObject({
  sid: z.string(),
  name: z.string(),
  creation_time: int64,
  creationTime: int64,
  metadata: z.optional(z.string()),
})
export type RoomInfo = z.infer<typeof RoomInfoSchema>

const TrackInfoSchema = z.looseObject({
  sid: z.string(),
  /** `AUDIO`, `VIDEO`, `DATA`, or their numbers 0, 1, 2. */
  type: z.optional(z.union([z.string(), z.number()])),
  muted: z.optional(z.boolean()),
})

const PermissionSchema = z.looseObject({
  can_publish: z.optional(z.boolean()),
  canPublish: z.optional(z.boolean()),
})

export const ParticipantInfoSchema = z.looseObject({
  sid: z.string(),
  identity: z.string(),
  name: z.optional(z.string()),
  metadata: z.optional(z.string()),
  permission: z.optional(PermissionSchema),
  tracks: z.optional(z.array(TrackInfoSchema)),
})
export type ParticipantInfo = z.infer<typeof ParticipantInfoSchema>

const ListParticipantsResponseSchema = z.looseObject({ participants: z.optional(z.array(ParticipantInfoSchema)) })

/** Seconds since the epoch at which LiveKit created the room, when it said. */
export function creationTimeOf(room: RoomInfo): number | undefined {
  const value = Number(room.creation_time ?? room.creationTime)
  return Number.isFinite(value) && value > 0 ? value : undefined
}

/** Whether a participant may publish (`permission.can_publish`); absent permission means LiveKit's default, true. */
export function canPublish(participant: ParticipantInfo): boolean {
  return participant.permission?.can_publish ?? participant.permission?.canPublish ?? true
}

/** The Callport kind of a LiveKit track type, or undefined for data tracks. */
export function kindOfTrackType(type: string | number | undefined): TrackKind | undefined {
  if (type === 'AUDIO' || type === 0) return 'audio'
  if (type === 'VIDEO' || type === 1) return 'video'
  return undefined
}

type Signal = AbortSignal | undefined

/**
 * `CreateRoom`: LiveKit answers with the room when it exists already, so this is create-or-get.
 * Body `{"name"}` as livekit-server-sdk's `RoomServiceClient.createRoom({ name })` sends it; grant `roomCreate`.
 */
export function createRoom(settings: ResolvedLiveKitSettings, name: string, signal: Signal): Promise<RoomInfo> {
  return callRoomService(settings, {
    method: 'CreateRoom',
    body: { name },
    grant: { roomCreate: true },
    schema: RoomInfoSchema,
    operation: `creating the room ${name}`,
    idempotent: true,
    signal,
  })
}

/** `ListRooms` with one name (grant `roomList`): the room, or null when LiveKit has no such active room. */
export async function findRoom(settings: ResolvedLiveKitSettings, name: string, signal: Signal): Promise<RoomInfo | null> {
  const answer = await callRoomService(settings, {
    method: 'ListRooms',
    body: { names: [name] },
    grant: { roomList: true },
    schema: z.looseObject({ rooms: z.optional(z.array(RoomInfoSchema)) }),
    operation: `looking up the room ${name}`,
    idempotent: true,
    signal,
  })
  return answer.rooms?.find((room) => room.name === name) ?? null
}

/** `ListParticipants` (grant `roomAdmin` on the room). */
export async function listParticipants(settings: ResolvedLiveKitSettings, room: string, signal: Signal): Promise<ParticipantInfo[]> {
  const answer = await callRoomService(settings, {
    method: 'ListParticipants',
    body: { room },
    grant: { roomAdmin: true, room },
    schema: ListParticipantsResponseSchema,
    operation: `listing the participants of ${room}`,
    notFound: 'ROOM_NOT_FOUND',
    idempotent: true,
    signal,
  })
  return answer.participants ?? []
}

/** `GetParticipant` (grant `roomAdmin` on the room). */
export function getParticipant(settings: ResolvedLiveKitSettings, room: string, identity: string, signal: Signal): Promise<ParticipantInfo> {
  return callRoomService(settings, {
    method: 'GetParticipant',
    body: { room, identity },
    grant: { roomAdmin: true, room },
    schema: ParticipantInfoSchema,
    operation: `looking up ${identity} in ${room}`,
    notFound: 'PARTICIPANT_NOT_FOUND',
    idempotent: true,
    signal,
  })
}

/** `RemoveParticipant` (grant `roomAdmin` on the room). */
export async function removeParticipant(settings: ResolvedLiveKitSettings, room: string, identity: string, signal: Signal): Promise<void> {
  await callRoomService(settings, {
    method: 'RemoveParticipant',
    body: { room, identity },
    grant: { roomAdmin: true, room },
    operation: `removing ${identity} from ${room}`,
    notFound: 'PARTICIPANT_NOT_FOUND',
    idempotent: true,
    signal,
  })
}

/** `MutePublishedTrack` with `muted: true` (grant `roomAdmin` on the room). */
export async function mutePublishedTrack(settings: ResolvedLiveKitSettings, room: string, identity: string, trackSid: string, signal: Signal): Promise<void> {
  await callRoomService(settings, {
    method: 'MutePublishedTrack',
    body: { room, identity, trackSid, muted: true },
    grant: { roomAdmin: true, room },
    operation: `muting track ${trackSid} of ${identity} in ${room}`,
    notFound: 'PARTICIPANT_NOT_FOUND',
    idempotent: true,
    signal,
  })
}

/** What `UpdateParticipant` changes here: the name and/or Callport's metadata object. */
export interface ParticipantChanges {
  name?: string | undefined
  metadata?: Metadata | undefined
}

/**
 * `UpdateParticipant` (grant `roomAdmin` on the room): the body livekit-server-sdk's
 * `RoomServiceClient.updateParticipant(room, identity, { metadata, name })` sends — `room`, `identity`,
 * then `metadata` as the JSON of Callport's object (as `issueToken` puts it in the token) and `name`,
 * each left out when not changed (LiveKit keeps what is absent or empty). No permission, no attributes.
 */
export async function updateParticipant(
  settings: ResolvedLiveKitSettings,
  room: string,
  identity: string,
  changes: ParticipantChanges,
  signal: Signal,
): Promise<ParticipantInfo> {
  return callRoomService(settings, {
    method: 'UpdateParticipant',
    body: {
      room,
      identity,
      ...(changes.metadata === undefined ? {} : { metadata: JSON.stringify(changes.metadata) }),
      ...(changes.name === undefined || changes.name === '' ? {} : { name: changes.name }),
    },
    grant: { roomAdmin: true, room },
    schema: ParticipantInfoSchema,
    operation: `updating ${identity} in ${room}`,
    notFound: 'PARTICIPANT_NOT_FOUND',
    // Setting the same name and metadata twice leaves them as once.
    idempotent: true,
    signal,
  })
}

/**
 * Callport's metadata object from LiveKit's `metadata` string: the JSON object Callport wrote (in the
 * token or by `UpdateParticipant`); undefined for an empty string, or for what another client wrote
 * that is not a JSON object.
 */
export function metadataOf(metadata: string | undefined): Metadata | undefined {
  if (!metadata) return undefined
  try {
    const value: unknown = JSON.parse(metadata)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Metadata) : undefined
  } catch {
    return undefined
  }
}

/** `DeleteRoom` (grant `roomCreate`). */
export async function deleteRoom(settings: ResolvedLiveKitSettings, room: string, signal: Signal): Promise<void> {
  await callRoomService(settings, {
    method: 'DeleteRoom',
    body: { room },
    grant: { roomCreate: true },
    operation: `deleting the room ${room}`,
    notFound: 'ROOM_NOT_FOUND',
    idempotent: true,
    signal,
  })
}
