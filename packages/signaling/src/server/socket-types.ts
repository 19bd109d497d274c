import type { Server, Socket } from 'socket.io'
import type { ConnectionInfo, Kick, Member, MemberProps, Mute, RelayedRequest, SignalingError } from '../shared/protocol'
import type { AdminUpdate } from './admin-protocol'
import type { Credential } from './authenticate'

/** The acknowledgement of a `request`: `(result, null)` or `(null, { code, message })`. */
export type Acknowledge = (result: unknown, error: SignalingError | null) => void

export interface ServerToClientEvents {
  on_connection: (info: ConnectionInfo) => void
  on_join: (memberId: string, member: Member) => void
  on_leave: (memberId: string) => void
  on_props_set: (memberId: string, props: MemberProps) => void
  on_kick: (kick: Kick) => void
  /** A moderator muted this member's microphone or camera (the admin API). */
  on_mute: (mute: Mute) => void
  request: (message: RelayedRequest) => void
}

export interface ClientToServerEvents {
  request: (message: unknown, acknowledge?: unknown) => void
}

export interface InterServerEvents {
  /** Kick a member wherever its socket is connected. */
  'kick-member': (memberId: string, kick: Kick) => void
  /** Mute a member wherever its socket is connected. */
  'mute-member': (memberId: string, mute: Mute) => void
  /** Change a member's name and/or metadata wherever its socket is connected. */
  'update-member': (memberId: string, update: AdminUpdate) => void
  /** A moderator removed `identity` from the room: refuse its credentials issued until `at` (epoch ms). */
  'revoke-credentials': (roomId: string, identity: string, at: number) => void
}

/** What the server knows about one socket (`socket.data`). */
export interface SocketData extends Credential {
  /** The member id: the socket id, also `auth_id` in `on_connection`. */
  memberId: string
  /** Signaling room id of the credential's room. */
  roomId: string
  joined: boolean
  props: MemberProps
}

export type SignalingIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
export type SignalingSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
