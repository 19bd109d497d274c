import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { TokenVerifier } from 'livekit-server-sdk'
import type { TrackKind } from '@callport/core'

/**
 * A LiveKit server as far as RoomService over Twirp and joining go: rooms by name with a `sid`,
 * participants with tracks. It checks the bearer grants each method needs as LiveKit's
 * `EnsureCreatePermission` / `EnsureListPermission` / `EnsureAdminPermission` do (roomCreate,
 * roomList, roomAdmin on the same room), and answers Twirp errors as `{"code","msg"}`.
 */
export interface FakeTrack {
  sid: string
  type: 'AUDIO' | 'VIDEO'
  muted: boolean
}
export interface FakeParticipant {
  sid: string
  identity: string
  name: string
  canPublish: boolean
  tracks: FakeTrack[]
  removed: boolean
  mutedByModerator: TrackKind[]
}
export interface FakeRoom {
  sid: string
  name: string
  creationTime: number
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

  verify(token: string) {
    return new TokenVerifier(this.apiKey, this.apiSecret).verify(token)
  }

  /** Admits the holder of `token` as LiveKit does: a valid token with roomJoin for a live room. */
  async join(token: string, publish: { audio?: boolean; video?: boolean } = {}): Promise<FakeParticipant> {
    const claims = await this.verify(token)
    const room = claims.video?.room === undefined ? undefined : this.rooms.get(claims.video.room)
    if (!claims.video?.roomJoin || !room || !claims.sub) throw new Error('LiveKit refused the join')
    const tracks: FakeTrack[] = []
    if (publish.audio) tracks.push({ sid: this.id('TR'), type: 'AUDIO', muted: false })
    if (publish.video) tracks.push({ sid: this.id('TR'), type: 'VIDEO', muted: false })
    const participant: FakeParticipant = {
      sid: this.id('PA'),
      identity: claims.sub,
      name: claims.name ?? '',
      canPublish: claims.video.canPublish !== false,
      tracks,
      removed: false,
      mutedByModerator: [],
    }
    room.participants.set(participant.identity, participant)
    return participant
  }

  private roomJson(room: FakeRoom) {
    return { sid: room.sid, name: room.name, creation_time: String(room.creationTime), num_participants: room.participants.size }
  }

  private participantJson(participant: FakeParticipant) {
    return {
      sid: participant.sid,
      identity: participant.identity,
      name: participant.name,
      permission: { can_publish: participant.canPublish, can_subscribe: true },
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
        let room = this.rooms.get(name)
        if (!room) {
          room = { sid: this.id('RM'), name, creationTime: Math.floor(Date.now() / 1000), participants: new Map() }
          this.rooms.set(name, room)
        }
        return this.roomJson(room)
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
        for (const participant of room.participants.values()) participant.removed = true
        this.rooms.delete(room.name)
        return {}
      }
      case 'ListParticipants':
        return { participants: [...this.admin(grant, body).participants.values()].map((participant) => this.participantJson(participant)) }
      case 'GetParticipant':
        return this.participantJson(this.participantOf(this.admin(grant, body), body.identity))
      case 'RemoveParticipant': {
        const room = this.admin(grant, body)
        const participant = this.participantOf(room, body.identity)
        participant.removed = true
        room.participants.delete(participant.identity)
        return {}
      }
      case 'MutePublishedTrack': {
        const participant = this.participantOf(this.admin(grant, body), body.identity)
        const track = participant.tracks.find((candidate) => candidate.sid === body.trackSid)
        if (!track) throw new TwirpFailure(404, 'not_found', 'track not found')
        if (body.muted === true && !track.muted) {
          track.muted = true
          participant.mutedByModerator.push(track.type === 'AUDIO' ? 'audio' : 'video')
        }
        return { track }
      }
      default:
        throw new TwirpFailure(404, 'bad_route', `no handler for ${method}`)
    }
  }
}
