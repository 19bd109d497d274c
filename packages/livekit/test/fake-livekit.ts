import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { TokenVerifier, type ClaimGrants } from 'livekit-server-sdk'
import { ConnectionQuality, type DataPacket_Kind, DisconnectReason } from 'livekit-client'
import type { TrackKind } from '@callport/core'

/**
 * A LiveKit server in memory, as far as RoomService over Twirp, joining and the signal connection
 * go: one cloud that the server half reaches over HTTP (Twirp) and the fake livekit-client
 * (test/fake-livekit-client.ts) reaches as its signal connection. A participant connected through
 * the fake SDK is listed by RoomService; RemoveParticipant, DeleteRoom, MutePublishedTrack and
 * UpdateParticipant reach its Room as LiveKit's signal messages reach livekit-client.
 *
 * RoomService checks the bearer grants each method needs as LiveKit's `EnsureCreatePermission` /
 * `EnsureListPermission` / `EnsureAdminPermission` do (roomCreate, roomList, roomAdmin on the same
 * room), and answers Twirp errors as `{"code","msg"}`. Joins are admitted by livekit-server-sdk's
 * `TokenVerifier` (the API key's secret, `nbf`/`exp`) and the token's `video.roomJoin` grant; the
 * room is created on join, as LiveKit does by default (`room.auto_create`).
 */

/** A TrackInfo's `type` and `source`, as LiveKit's protojson names them. */
export type FakeTrackType = 'AUDIO' | 'VIDEO'
export type FakeTrackSource = 'CAMERA' | 'MICROPHONE' | 'SCREEN_SHARE' | 'SCREEN_SHARE_AUDIO' | 'UNKNOWN'

/** A published track (LiveKit's `TrackInfo`, the fields RoomService and the clients read). */
export interface FakeTrack {
  sid: string
  type: FakeTrackType
  name: string
  source: FakeTrackSource
  muted: boolean
}

/** A participant's permission (LiveKit's `ParticipantPermission`). */
export interface FakePermission {
  canPublish: boolean
  canSubscribe: boolean
  canPublishData: boolean
}

/** What a connected client learns about a participant (LiveKit's `ParticipantInfo` in a signal `update`). */
export interface CloudParticipantInfo {
  sid: string
  identity: string
  name: string
  metadata: string
  attributes: Record<string, string>
  state: 'ACTIVE' | 'DISCONNECTED'
  tracks: FakeTrack[]
  permission: FakePermission
  version: number
  disconnectReason: DisconnectReason
}

/** A user data packet as the cloud relays it (LiveKit's `DataPacket` with a `UserPacket`). */
export interface CloudDataPacket {
  kind: DataPacket_Kind
  participantIdentity: string
  payload: Uint8Array
  topic: string | undefined
  destinationIdentities: string[]
}

/**
 * The SDK side of one connected participant (its signal connection): the fake livekit-client Room
 * implements it. Each method is one of LiveKit's `SignalResponse` messages, delivered in order,
 * asynchronously (a microtask later), as messages over a WebSocket arrive.
 */
export interface CloudClient {
  readonly identity: string
  /** `update`: the ParticipantInfo of each participant that changed (others, and this participant itself). */
  participantUpdate(infos: CloudParticipantInfo[]): void
  /** `mute`: the server muted (or unmuted) one of this participant's published tracks. */
  remoteMute(trackSid: string, muted: boolean): void
  /** `leave`: the server ends this participant's session with `reason`. */
  leave(reason: DisconnectReason): void
  /** `speakersChanged`: speakers whose level or activity changed. */
  speakersChanged(speakers: Array<{ sid: string; level: number; active: boolean }>): void
  /** `connectionQuality`: participants whose connection quality changed. */
  connectionQuality(updates: Array<{ participantSid: string; quality: ConnectionQuality }>): void
  /** A user data packet from another participant (over the data channel). */
  dataPacket(packet: CloudDataPacket): void
}

export interface FakeParticipant {
  sid: string
  identity: string
  name: string
  metadata: string
  attributes: Record<string, string>
  permission: FakePermission
  tracks: FakeTrack[]
  /** Set when RoomService removed the participant or deleted its room. */
  removed: boolean
  /** Kinds MutePublishedTrack muted, in order. */
  mutedByModerator: TrackKind[]
  /** The connected SDK, when the participant joined through the fake livekit-client. */
  client: CloudClient | undefined
  /** ParticipantInfo.version: grows with each change, as LiveKit's does. */
  version: number
  /** The level the participant speaks at (0: silent), for `speakersChanged`. */
  audioLevel: number
  connectionQuality: ConnectionQuality
}

export interface FakeRoom {
  sid: string
  name: string
  creationTime: number
  metadata: string
  participants: Map<string, FakeParticipant>
}

class TwirpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** LiveKit's answer to a join it refuses (the `/rtc/validate` status and text livekit-client reads). */
export class JoinRefused extends Error {
  constructor(
    readonly status: 401 | 403 | 404,
    message: string,
  ) {
    super(message)
    this.name = 'JoinRefused'
  }
}

export class FakeLiveKit {
  readonly rooms = new Map<string, FakeRoom>()
  private counter = 0
  private server: Server | undefined
  url = ''

  constructor(
    readonly apiKey: string,
    readonly apiSecret: string,
  ) {}

  private id(prefix: string): string {
    this.counter += 1
    return `${prefix}_${this.counter.toString(36).padStart(8, '0')}`
  }

  /** The ws:// URL clients connect to (livekit-client takes ws(s) and http(s) alike). */
  get wsUrl(): string {
    return this.url.replace(/^http/, 'ws')
  }

  reset(): void {
    this.rooms.clear()
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void (async () => {
        let text = ''
        for await (const chunk of request) text += String(chunk)
        const method = /^\/twirp\/livekit\.RoomService\/(\w+)$/.exec(request.url ?? '')?.[1]
        let status = 200
        let body: unknown
        try {
          if (request.method !== 'POST' || method === undefined) throw new TwirpFailure(404, 'bad_route', 'no such method')
          const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
          if (!bearer) throw new TwirpFailure(401, 'unauthenticated', 'no authorization header')
          const claims = await this.verify(bearer).catch(() => {
            throw new TwirpFailure(401, 'unauthenticated', 'invalid token')
          })
          body = this.handle(method, JSON.parse(text) as Record<string, unknown>, claims.video ?? {})
        } catch (error) {
          if (!(error instanceof TwirpFailure)) throw error
          status = error.status
          body = { code: error.code, msg: error.message }
        }
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      })()
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve))
  }

  verify(token: string): Promise<ClaimGrants> {
    return new TokenVerifier(this.apiKey, this.apiSecret).verify(token)
  }

  /**
   * Admits the holder of `token` as LiveKit's `/rtc` does, or throws JoinRefused with the status
   * livekit-client turns into a `ConnectionError` (401: bad signature, expired, no roomJoin).
   */
  async admit(token: string): Promise<{ claims: ClaimGrants; roomName: string; identity: string }> {
    const claims = await this.verify(token).catch((error: unknown) => {
      throw new JoinRefused(401, `invalid token: ${error instanceof Error ? error.message : String(error)}`)
    })
    const roomName = claims.video?.room
    if (!claims.video?.roomJoin || !roomName) throw new JoinRefused(401, 'permissions denied')
    if (!claims.sub) throw new JoinRefused(401, 'identity cannot be empty')
    return { claims, roomName, identity: claims.sub }
  }

  /**
   * Connects the holder of `token`: the room is created when absent, a participant with the same
   * identity is disconnected (DUPLICATE_IDENTITY), and the others are told. Returns the room and the
   * new participant; `client` receives the signal messages from now on.
   */
  async connect(token: string, client: CloudClient | undefined): Promise<{ room: FakeRoom; participant: FakeParticipant }> {
    const { claims, roomName, identity } = await this.admit(token)
    let room = this.rooms.get(roomName)
    if (!room) room = this.createRoom(roomName)
    const duplicate = room.participants.get(identity)
    if (duplicate) this.leave(room, duplicate, DisconnectReason.DUPLICATE_IDENTITY)
    const participant: FakeParticipant = {
      sid: this.id('PA'),
      identity,
      name: claims.name ?? '',
      metadata: claims.metadata ?? '',
      attributes: { ...claims.attributes },
      permission: {
        canPublish: claims.video?.canPublish !== false,
        canSubscribe: claims.video?.canSubscribe !== false,
        canPublishData: claims.video?.canPublishData !== false,
      },
      tracks: [],
      removed: false,
      mutedByModerator: [],
      client,
      version: 1,
      audioLevel: 0,
      connectionQuality: ConnectionQuality.Excellent,
    }
    room.participants.set(identity, participant)
    this.broadcast(room, participant)
    return { room, participant }
  }

  /** Admits the holder of `token` without an SDK (as a participant the test drives from here), publishing a microphone and/or a camera. */
  async join(token: string, publish: { audio?: boolean; video?: boolean } = {}): Promise<FakeParticipant> {
    const { room, participant } = await this.connect(token, undefined)
    if (publish.audio) this.publish(room, participant, { type: 'AUDIO', source: 'MICROPHONE', name: '' })
    if (publish.video) this.publish(room, participant, { type: 'VIDEO', source: 'CAMERA', name: '' })
    return participant
  }

  private createRoom(name: string): FakeRoom {
    const room: FakeRoom = { sid: this.id('RM'), name, creationTime: Math.floor(Date.now() / 1000), metadata: '', participants: new Map() }
    this.rooms.set(name, room)
    return room
  }

  /** The room and participant of a connected `identity` in the room named `roomName`. */
  find(roomName: string, identity: string): { room: FakeRoom; participant: FakeParticipant } | undefined {
    const room = this.rooms.get(roomName)
    const participant = room?.participants.get(identity)
    return room && participant ? { room, participant } : undefined
  }

  /** A signal message to one client, a microtask later (messages keep their order). */
  private send(participant: FakeParticipant, message: (client: CloudClient) => void): void {
    const client = participant.client
    if (client) queueMicrotask(() => message(client))
  }

  private info(participant: FakeParticipant, state: CloudParticipantInfo['state'] = 'ACTIVE', reason = DisconnectReason.UNKNOWN_REASON): CloudParticipantInfo {
    return {
      sid: participant.sid,
      identity: participant.identity,
      name: participant.name,
      metadata: participant.metadata,
      attributes: { ...participant.attributes },
      state,
      tracks: participant.tracks.map((track) => ({ ...track })),
      permission: { ...participant.permission },
      version: participant.version,
      disconnectReason: reason,
    }
  }

  /** Tells everyone in `room` (the participant itself included when `self`) that `participant` changed. */
  private broadcast(room: FakeRoom, participant: FakeParticipant, options: { self?: boolean; state?: CloudParticipantInfo['state']; reason?: DisconnectReason } = {}): void {
    const { self = false, state = 'ACTIVE', reason = DisconnectReason.UNKNOWN_REASON } = options
    // Someone who left is no longer told about, but for the news that they left.
    if (state === 'ACTIVE' && room.participants.get(participant.identity) !== participant) return
    participant.version += 1
    const info = this.info(participant, state, reason)
    for (const other of room.participants.values()) {
      if (other === participant && !self) continue
      this.send(other, (client) => client.participantUpdate([{ ...info, tracks: info.tracks.map((track) => ({ ...track })) }]))
    }
  }

  /** The participants of `room` as a client that has just joined learns them (the join response's `otherParticipants`). */
  othersOf(room: FakeRoom, participant: FakeParticipant): CloudParticipantInfo[] {
    return [...room.participants.values()].filter((other) => other !== participant).map((other) => this.info(other))
  }

  /** AddTrack: the track is published and the others are told. */
  publish(room: FakeRoom, participant: FakeParticipant, track: { type: FakeTrackType; source: FakeTrackSource; name: string; muted?: boolean }): FakeTrack {
    const published: FakeTrack = { sid: this.id('TR'), type: track.type, source: track.source, name: track.name, muted: track.muted ?? false }
    participant.tracks.push(published)
    this.broadcast(room, participant)
    return published
  }

  /** The track is unpublished and the others are told. */
  unpublish(room: FakeRoom, participant: FakeParticipant, trackSid: string): void {
    const index = participant.tracks.findIndex((track) => track.sid === trackSid)
    if (index === -1) return
    participant.tracks.splice(index, 1)
    this.broadcast(room, participant)
  }

  /** The client's `mute` request (livekit-client's `updateMuteStatus`): the others are told. */
  setTrackMuted(room: FakeRoom, participant: FakeParticipant, trackSid: string, muted: boolean): void {
    const track = participant.tracks.find((candidate) => candidate.sid === trackSid)
    if (!track || track.muted === muted) return
    track.muted = muted
    this.broadcast(room, participant)
  }

  /** A user data packet: delivered to the others, or only to `destinationIdentities` when it names some; dropped without `canPublishData`. */
  sendData(room: FakeRoom, participant: FakeParticipant, packet: Omit<CloudDataPacket, 'participantIdentity'>): void {
    // LiveKit drops the packets of a participant whose token lacks canPublishData.
    if (!participant.permission.canPublishData) return
    const targets = packet.destinationIdentities
    for (const other of room.participants.values()) {
      if (other === participant || (targets.length > 0 && !targets.includes(other.identity))) continue
      this.send(other, (client) => client.dataPacket({ ...packet, participantIdentity: participant.identity, payload: packet.payload.slice() }))
    }
  }

  /** The participant leaves the room with `reason`: the others are told; its own client gets `leave` unless it left by itself. */
  leave(room: FakeRoom, participant: FakeParticipant, reason: DisconnectReason): void {
    if (room.participants.get(participant.identity) !== participant) return
    room.participants.delete(participant.identity)
    if (reason === DisconnectReason.PARTICIPANT_REMOVED || reason === DisconnectReason.ROOM_DELETED) participant.removed = true
    this.broadcast(room, participant, { state: 'DISCONNECTED', reason })
    if (reason !== DisconnectReason.CLIENT_INITIATED) this.send(participant, (client) => client.leave(reason))
  }

  /** LiveKit's speaker detection hears `identity` at `level` (0: silent): every client in the room is told. */
  setSpeaking(roomName: string, identity: string, level: number): void {
    const found = this.find(roomName, identity)
    if (!found || found.participant.audioLevel === level) return
    found.participant.audioLevel = level
    const update = { sid: found.participant.sid, level, active: level > 0 }
    for (const other of found.room.participants.values()) this.send(other, (client) => client.speakersChanged([update]))
  }

  /** LiveKit scores `identity`'s connection: every client in the room is told (its own included). */
  setConnectionQuality(roomName: string, identity: string, quality: ConnectionQuality): void {
    const found = this.find(roomName, identity)
    if (!found) return
    found.participant.connectionQuality = quality
    const update = { participantSid: found.participant.sid, quality }
    for (const other of found.room.participants.values()) this.send(other, (client) => client.connectionQuality([update]))
  }

  /** UpdateParticipant: name and metadata replaced when given (non-empty), attributes merged (an empty value deletes), permission replaced. */
  updateParticipant(
    roomName: string,
    identity: string,
    update: { name?: string; metadata?: string; attributes?: Record<string, string>; permission?: Partial<FakePermission> },
  ): FakeParticipant | undefined {
    const found = this.find(roomName, identity)
    if (!found) return undefined
    const { participant } = found
    if (update.name) participant.name = update.name
    if (update.metadata) participant.metadata = update.metadata
    for (const [key, value] of Object.entries(update.attributes ?? {})) {
      if (value === '') delete participant.attributes[key]
      else participant.attributes[key] = value
    }
    if (update.permission) participant.permission = { canPublish: false, canSubscribe: false, canPublishData: false, ...update.permission }
    this.broadcast(found.room, participant, { self: true })
    return participant
  }

  private roomJson(room: FakeRoom) {
    return { sid: room.sid, name: room.name, creation_time: String(room.creationTime), num_participants: room.participants.size, metadata: room.metadata }
  }

  private participantJson(participant: FakeParticipant) {
    return {
      sid: participant.sid,
      identity: participant.identity,
      name: participant.name,
      metadata: participant.metadata,
      attributes: participant.attributes,
      state: 'ACTIVE',
      permission: {
        can_publish: participant.permission.canPublish,
        can_subscribe: participant.permission.canSubscribe,
        can_publish_data: participant.permission.canPublishData,
      },
      tracks: participant.tracks,
    }
  }

  private admin(grant: { roomAdmin?: boolean; room?: string }, body: Record<string, unknown>): FakeRoom {
    if (!grant.roomAdmin || grant.room !== body.room) throw new TwirpFailure(403, 'permission_denied', 'permissions denied')
    const room = this.rooms.get(String(body.room))
    if (!room) throw new TwirpFailure(404, 'not_found', 'requested room does not exist')
    return room
  }

  private participantOf(room: FakeRoom, identity: unknown): FakeParticipant {
    const participant = room.participants.get(String(identity))
    if (!participant) throw new TwirpFailure(404, 'not_found', 'participant not found')
    return participant
  }

  private handle(method: string, body: Record<string, unknown>, grant: { roomAdmin?: boolean; roomCreate?: boolean; roomList?: boolean; room?: string }): unknown {
    switch (method) {
      case 'CreateRoom': {
        if (!grant.roomCreate) throw new TwirpFailure(403, 'permission_denied', 'permissions denied')
        const name = typeof body.name === 'string' ? body.name : ''
        if (name === '') throw new TwirpFailure(400, 'invalid_argument', 'room name is required')
        return this.roomJson(this.rooms.get(name) ?? this.createRoom(name))
      }
      case 'ListRooms': {
        if (!grant.roomList) throw new TwirpFailure(403, 'permission_denied', 'permissions denied')
        const names = Array.isArray(body.names) ? body.names.map(String) : [...this.rooms.keys()]
        return { rooms: names.flatMap((name) => (this.rooms.has(name) ? [this.roomJson(this.rooms.get(name)!)] : [])) }
      }
      case 'DeleteRoom': {
        if (!grant.roomCreate) throw new TwirpFailure(403, 'permission_denied', 'permissions denied')
        const room = this.rooms.get(String(body.room))
        if (!room) throw new TwirpFailure(404, 'not_found', 'requested room does not exist')
        for (const participant of [...room.participants.values()]) this.leave(room, participant, DisconnectReason.ROOM_DELETED)
        this.rooms.delete(room.name)
        return {}
      }
      case 'ListParticipants':
        return { participants: [...this.admin(grant, body).participants.values()].map((participant) => this.participantJson(participant)) }
      case 'GetParticipant':
        return this.participantJson(this.participantOf(this.admin(grant, body), body.identity))
      case 'RemoveParticipant': {
        const room = this.admin(grant, body)
        this.leave(room, this.participantOf(room, body.identity), DisconnectReason.PARTICIPANT_REMOVED)
        return {}
      }
      case 'MutePublishedTrack': {
        // LiveKit's server mutes the track itself (the others are told) and asks the owner's client to mute it (signal `mute`).
        const room = this.admin(grant, body)
        const participant = this.participantOf(room, body.identity)
        const track = participant.tracks.find((candidate) => candidate.sid === body.trackSid)
        if (!track) throw new TwirpFailure(404, 'not_found', 'track not found')
        const muted = body.muted === true
        if (muted && !track.muted) participant.mutedByModerator.push(track.type === 'AUDIO' ? 'audio' : 'video')
        this.setTrackMuted(room, participant, track.sid, muted)
        this.send(participant, (client) => client.remoteMute(track.sid, muted))
        return { track: { ...track } }
      }
      case 'UpdateParticipant': {
        const room = this.admin(grant, body)
        this.participantOf(room, body.identity)
        const permission = body.permission as Partial<FakePermission> | undefined
        const updated = this.updateParticipant(room.name, String(body.identity), {
          ...(typeof body.name === 'string' && { name: body.name }),
          ...(typeof body.metadata === 'string' && { metadata: body.metadata }),
          ...(typeof body.attributes === 'object' && body.attributes !== null && { attributes: body.attributes as Record<string, string> }),
          ...(permission && { permission }),
        })
        return this.participantJson(updated!)
      }
      default:
        throw new TwirpFailure(404, 'bad_route', `no handler for ${method}`)
    }
  }
}
