import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { EventEmitter } from 'node:events'
import roomFixture from './fixtures/room-in-progress.json'
import participantFixture from './fixtures/participant-connected.json'

/**
 * A fake of Twilio Programmable Video's cloud, in memory: rooms and participants as the Rooms REST
 * API shows them (test/fake-twilio-rest.ts serves them with msw) and the live connections the fake
 * twilio-video SDK opens (test/fake-twilio-video.ts). One state, so that a participant connected
 * through the SDK is listed by REST, a REST kick disconnects the SDK's Room, and so on.
 */

export const sid = (prefix: string): string => `${prefix}${randomBytes(16).toString('hex')}`

/** A twilio-video `TwilioError`. */
export class FakeTwilioError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
    this.name = 'TwilioError'
  }
}

type Mutable = 'status' | 'status_callback' | 'end_time' | 'duration'
export type RoomJson = Omit<typeof roomFixture, Mutable> & { status: string; status_callback: string | null; end_time: string | null; duration: number | null }
export type ParticipantJson = Omit<typeof participantFixture, Mutable> & { status: string; end_time: string | null; duration: number | null }

/** Something published, as the cloud relays it. */
export interface CloudTrack {
  sid: string
  kind: 'audio' | 'video' | 'data'
  name: string
  /** A media track's enabled state (LocalTrack `enable()` / `disable()`), relayed to the subscribers. */
  enabled?: boolean
}

/** The SDK side of one connected participant: the fake twilio-video Room implements it. */
export interface CloudClient extends EventEmitter {
  readonly identity: string
  /** Called by the cloud when the participant is gone, with the error the Room disconnects with (null for none). */
  ended(error: FakeTwilioError | null): void
}

export interface CloudParticipant {
  json: ParticipantJson
  client: CloudClient | undefined
  tracks: Map<string, CloudTrack>
}

export interface CloudRoom {
  json: RoomJson
  participants: Map<string, CloudParticipant>
  sequence: number
  /** The dominant speaker's participant SID (Dominant Speaker Detection), if any. */
  dominantSpeaker?: string | null
}

export interface StatusCallback {
  url: string
  parameters: Record<string, string>
}

export interface FakeTwilioCloudOptions {
  accountSid: string
  apiKeySid: string
  apiKeySecret: string
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

/** The HMAC digests of the algorithms twilio-node signs Access Tokens with. */
const accessTokenDigests: Readonly<Record<string, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }

/** Twilio refuses identities longer than this (53200). */
export const MAXIMUM_IDENTITY_LENGTH = 128

/**
 * An identity's length as Twilio counts it toward 128: double-byte characters count twice
 * (reference/vendors.md §7). Which characters Twilio calls double-byte is UNCONFIRMED; the fake
 * counts every character outside ASCII twice, the stricter reading.
 */
export function identityLength(identity: string): number {
  let length = 0
  for (const character of identity) length += character.codePointAt(0)! > 0x7f ? 2 : 1
  return length
}

export class FakeTwilioCloud {
  readonly rooms = new Map<string, CloudRoom>()
  /** Status callbacks the cloud would have sent, oldest first. */
  readonly callbacks: StatusCallback[] = []

  constructor(readonly options: FakeTwilioCloudOptions) {}

  /** The in-progress room with this UniqueName, or the room with this SID. */
  find(nameOrSid: string): CloudRoom | undefined {
    const bySid = this.rooms.get(nameOrSid)
    if (bySid) return bySid
    return [...this.rooms.values()].find((room) => room.json.status === 'in-progress' && room.json.unique_name === nameOrSid)
  }

  createRoom(uniqueName: string | undefined, parameters: Record<string, string> = {}): CloudRoom {
    const roomSid = sid('RM')
    const url = `https://video.twilio.com/v1/Rooms/${roomSid}`
    const json: RoomJson = {
      ...structuredClone(roomFixture),
      sid: roomSid,
      account_sid: this.options.accountSid,
      unique_name: uniqueName ?? roomSid,
      date_created: now(),
      date_updated: now(),
      status_callback: parameters.StatusCallback ?? null,
      status_callback_method: parameters.StatusCallbackMethod ?? 'POST',
      type: parameters.Type ?? 'group',
      url,
      links: {
        participants: `${url}/Participants`,
        recordings: `${url}/Recordings`,
        recording_rules: `${url}/RecordingRules`,
        transcriptions: `${url}/Transcriptions`,
      },
    }
    const room: CloudRoom = { json, participants: new Map(), sequence: 0 }
    this.rooms.set(roomSid, room)
    this.#callback(room, 'room-created')
    return room
  }

  /** Ends a room: everyone in it is disconnected with "Room completed" (53118). */
  completeRoom(room: CloudRoom): void {
    if (room.json.status !== 'in-progress') return
    for (const participant of [...room.participants.values()]) {
      if (participant.json.status === 'connected') this.leave(room, participant, new FakeTwilioError(53118, 'Room completed'))
    }
    room.json.status = 'completed'
    room.json.end_time = now()
    room.json.duration = 0
    this.#callback(room, 'room-ended')
  }

  /**
   * Verifies an Access Token as Twilio would, throwing the TwilioError twilio-video rejects with:
   * HS256, HS384 or HS512 (every algorithm twilio-node signs with), the API key's secret, `exp` and
   * `nbf`, issuer and subject, a video grant for this room, and an identity Twilio accepts.
   */
  verifyAccessToken(token: string, roomName: string): { identity: string } {
    const claims = this.#verifiedClaims(token)
    if (claims.iss !== this.options.apiKeySid || claims.sub !== this.options.accountSid) {
      throw new FakeTwilioError(20103, 'Invalid Access Token issuer/subject')
    }
    const grants = claims.grants as { identity?: unknown; video?: { room?: unknown } } | undefined
    if (typeof grants?.identity !== 'string' || grants.video === undefined) throw new FakeTwilioError(20106, 'Invalid Access Token grants')
    if (grants.video.room !== undefined && grants.video.room !== roomName) throw new FakeTwilioError(20106, 'Invalid Access Token grants')
    if (grants.identity === '' || identityLength(grants.identity) > MAXIMUM_IDENTITY_LENGTH) throw new FakeTwilioError(53200, 'Participant identity is invalid')
    return { identity: grants.identity }
  }

  /** The claims of a token signed with the API key's secret and valid now. */
  #verifiedClaims(token: string): Record<string, unknown> {
    const parts = token.split('.')
    if (parts.length !== 3) throw new FakeTwilioError(20101, 'Invalid Access Token')
    const [header, payload, signature] = parts as [string, string, string]
    let parsedHeader: { alg?: unknown; cty?: unknown }
    let claims: Record<string, unknown>
    try {
      parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as typeof parsedHeader
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
    } catch {
      throw new FakeTwilioError(20101, 'Invalid Access Token')
    }
    const digest = typeof parsedHeader.alg === 'string' ? accessTokenDigests[parsedHeader.alg] : undefined
    if (digest === undefined || parsedHeader.cty !== 'twilio-fpa;v=1') throw new FakeTwilioError(20102, 'Invalid Access Token header')
    const expected = createHmac(digest, this.options.apiKeySecret).update(`${header}.${payload}`).digest()
    const given = Buffer.from(signature, 'base64url')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new FakeTwilioError(20107, 'Invalid Access Token signature')
    const now = Math.floor(Date.now() / 1000)
    if (typeof claims.exp !== 'number' || now >= claims.exp) throw new FakeTwilioError(20104, 'Access Token expired or expiration date invalid')
    if (typeof claims.nbf === 'number' && now < claims.nbf) throw new FakeTwilioError(20105, 'Access Token not yet valid')
    return claims
  }

  /** Connects a participant (the SDK side calls this): creates the room when none is in progress, replaces a duplicate identity. */
  join(roomName: string, identity: string, client: CloudClient | undefined): { room: CloudRoom; participant: CloudParticipant } {
    const room = this.find(roomName) ?? this.createRoom(roomName)
    const duplicate = room.participants.get(identity)
    if (duplicate?.json.status === 'connected') this.leave(room, duplicate, new FakeTwilioError(53205, 'Participant disconnected because of duplicate identity'))
    const participantSid = sid('PA')
    const url = `${room.json.url}/Participants/${participantSid}`
    const participant: CloudParticipant = {
      json: {
        ...structuredClone(participantFixture),
        sid: participantSid,
        room_sid: room.json.sid,
        account_sid: this.options.accountSid,
        identity,
        status: 'connected',
        date_created: now(),
        date_updated: now(),
        start_time: now(),
        url,
        links: {
          published_tracks: `${url}/PublishedTracks`,
          subscribed_tracks: `${url}/SubscribedTracks`,
          subscribe_rules: `${url}/SubscribeRules`,
          anonymize: `${url}/Anonymize`,
        },
      },
      client,
      tracks: new Map(),
    }
    room.participants.set(identity, participant)
    for (const other of this.others(room, participant)) other.client?.emit('cloud:participant-connected', participant)
    this.#callback(room, 'participant-connected', participant)
    return { room, participant }
  }

  /** The connected participants of `room` but `participant`. */
  others(room: CloudRoom, participant: CloudParticipant): CloudParticipant[] {
    return [...room.participants.values()].filter((other) => other !== participant && other.json.status === 'connected')
  }

  publish(room: CloudRoom, participant: CloudParticipant, track: CloudTrack): void {
    participant.tracks.set(track.sid, track)
    for (const other of this.others(room, participant)) other.client?.emit('cloud:track-published', participant, track)
    this.#callback(room, 'track-added', participant, track)
  }

  unpublish(room: CloudRoom, participant: CloudParticipant, track: CloudTrack): void {
    if (!participant.tracks.delete(track.sid)) return
    for (const other of this.others(room, participant)) other.client?.emit('cloud:track-unpublished', participant, track)
    this.#callback(room, 'track-removed', participant, track)
  }

  /** The publisher enabled or disabled a published media track: the others' Rooms emit `trackEnabled` / `trackDisabled`. */
  setEnabled(room: CloudRoom, participant: CloudParticipant, trackSid: string, enabled: boolean): void {
    const track = participant.tracks.get(trackSid)
    if (!track || track.enabled === enabled) return
    track.enabled = enabled
    for (const other of this.others(room, participant)) other.client?.emit('cloud:track-enabled', participant, track, enabled)
  }

  /**
   * Twilio's Dominant Speaker Detection names who speaks most in `room` (null: nobody): every
   * connected client hears of it (each Room decides, by its connect options, whether to emit it).
   */
  setDominantSpeaker(roomName: string, identity: string | null): void {
    const room = this.find(roomName)
    if (!room) return
    const speaker = identity === null ? null : (room.participants.get(identity) ?? null)
    room.dominantSpeaker = speaker?.json.sid ?? null
    for (const participant of room.participants.values()) {
      if (participant.json.status === 'connected') participant.client?.emit('cloud:dominant-speaker', room.dominantSpeaker)
    }
  }

  /** Twilio's Network Quality API scored `identity`'s network (0-5): its own client and the others' hear of it. */
  setNetworkQuality(roomName: string, identity: string, level: number): void {
    const room = this.find(roomName)
    const participant = room?.participants.get(identity)
    if (!room || participant?.json.status !== 'connected') return
    participant.client?.emit('cloud:network-quality', participant, level)
    for (const other of this.others(room, participant)) other.client?.emit('cloud:network-quality', participant, level)
  }

  message(room: CloudRoom, participant: CloudParticipant, track: CloudTrack, data: string): void {
    for (const other of this.others(room, participant)) other.client?.emit('cloud:message', participant, track, data)
  }

  /** Disconnects a participant: the others see its tracks go, then itself; its Room ends with `error`. */
  leave(room: CloudRoom, participant: CloudParticipant, error: FakeTwilioError | null): void {
    if (participant.json.status !== 'connected') return
    participant.json.status = 'disconnected'
    participant.json.end_time = now()
    participant.json.duration = 0
    for (const other of this.others(room, participant)) other.client?.emit('cloud:participant-disconnected', participant)
    if (room.participants.get(participant.json.identity) === participant) room.participants.delete(participant.json.identity)
    this.#callback(room, 'participant-disconnected', participant)
    participant.client?.ended(error)
  }

  /** Every client of `identity`, for tests that make twilio-video reconnect or drop. */
  clientOf(identity: string): CloudClient | undefined {
    for (const room of this.rooms.values()) {
      const participant = room.participants.get(identity)
      if (participant?.json.status === 'connected') return participant.client
    }
    return undefined
  }

  #callback(room: CloudRoom, event: string, participant?: CloudParticipant, track?: CloudTrack): void {
    const url = room.json.status_callback
    const sequence = room.sequence++
    if (!url) return
    const parameters: Record<string, string> = {
      AccountSid: this.options.accountSid,
      RoomName: room.json.unique_name,
      RoomSid: room.json.sid,
      RoomStatus: room.json.status,
      RoomType: room.json.type,
      StatusCallbackEvent: event,
      Timestamp: new Date().toISOString(),
      SequenceNumber: String(sequence),
    }
    if (participant) {
      parameters.ParticipantSid = participant.json.sid
      parameters.ParticipantIdentity = participant.json.identity
      parameters.ParticipantStatus = participant.json.status
    }
    if (track) {
      parameters.TrackSid = track.sid
      parameters.TrackKind = track.kind
    }
    this.callbacks.push({ url, parameters })
  }
}
