import { serverEvents, type AuthCommand, type Member, type MemberProps, type Mute } from '../shared/protocol'
import type { AdminUpdate } from './admin-protocol'
import { verifySignalingCredential } from './credentials'
import { SignalingRequestError } from './request-error'
import type { SessionContext } from './session-context'
import type { SignalingSocket, SocketData } from './socket-types'

type CommandOf<Name extends AuthCommand['command']> = Extract<AuthCommand, { command: Name }>

/** Props with the fields the credential fixes (display name, metadata) put back over the client's. */
function withCredentialProps(data: SocketData, props: MemberProps): MemberProps {
  return {
    ...props,
    ...(data.name === undefined ? {} : { display_name: data.name }),
    ...(data.metadata === undefined ? {} : { metadata: data.metadata }),
  }
}

export function describeMember(data: SocketData): Member {
  return { id: data.memberId, name: data.identity, role: data.role, join_props: data.props }
}

/** `room_id_get`: the room id of the credential's own room, and of no other. */
export function getRoomId(socket: SignalingSocket, command: CommandOf<'room_id_get'>): { room_id: string } {
  if (command.auth_room_name_mask !== socket.data.room) {
    throw new SignalingRequestError('FORBIDDEN', 'Your credential does not grant that room')
  }
  return { room_id: socket.data.roomId }
}

/** A subscriber publishes nothing, so it may not claim to send audio or video. */
function refuseSubscriberMediaProps(data: SocketData, props: MemberProps | undefined): void {
  if (data.role !== 'subscriber' || props === undefined) return
  const claimed = (['audio', 'video'] as const).filter((kind) => props[kind] === true)
  if (claimed.length > 0) {
    throw new SignalingRequestError('FORBIDDEN', `A subscriber may not publish media: props ${claimed.map((kind) => `${kind}: true`).join(', ')} refused`)
  }
}

/** `join`: enters the credential's room, announces the member, answers the others. */
export async function joinRoom(socket: SignalingSocket, context: SessionContext, command: CommandOf<'join'>): Promise<{ room_id: string; members: Member[] }> {
  const { data } = socket
  if (command.room_id !== data.roomId) throw new SignalingRequestError('FORBIDDEN', 'Your credential does not grant that room')
  refuseSubscriberMediaProps(data, command.props)
  if (data.joined) {
    const members = (await context.directory.list(data.roomId)).filter((member) => member.id !== data.memberId)
    return { room_id: data.roomId, members }
  }
  data.props = withCredentialProps(data, command.props ?? {})
  const member = describeMember(data)
  const others = await context.directory.add(data.roomId, member)
  if (!socket.connected) {
    if (await context.directory.remove(data.roomId, member.id)) context.io.to(data.roomId).emit('on_leave', member.id)
    return { room_id: data.roomId, members: [] }
  }
  const duplicates = others.filter((other) => other.name === data.identity)
  for (const duplicate of duplicates) {
    context.kickMember(duplicate.id, { reason: 'duplicate_identity', message: 'Another connection joined this room with the same identity' })
  }
  try {
    // A promise with an asynchronous adapter (Redis): the member counts as joined only once the room has it.
    await socket.join(data.roomId)
  } catch (error) {
    if (await context.directory.remove(data.roomId, member.id)) context.io.to(data.roomId).emit('on_leave', member.id)
    throw error
  }
  data.joined = true
  socket.to(data.roomId).emit('on_join', member.id, member)
  return { room_id: data.roomId, members: others.filter((other) => !duplicates.includes(other)) }
}

/** `leave` (and disconnection): removes the member and tells the others. Idempotent. */
export async function leaveRoom(socket: SignalingSocket, context: SessionContext): Promise<Record<string, never>> {
  const { data } = socket
  if (!data.joined) return {}
  data.joined = false
  try {
    // A promise with an asynchronous adapter (Redis); the member leaves the directory even if it rejects.
    await socket.leave(data.roomId)
  } finally {
    if (await context.directory.remove(data.roomId, data.memberId)) context.io.to(data.roomId).emit('on_leave', data.memberId)
  }
  return {}
}

/** `props_set`: merges props into the member's and tells the others the result. */
export async function setProps(socket: SignalingSocket, context: SessionContext, command: CommandOf<'props_set'>): Promise<{ props: MemberProps }> {
  const { data } = socket
  if (!data.joined) throw new SignalingRequestError('NOT_JOINED', 'Join the room before setting props')
  refuseSubscriberMediaProps(data, command.props)
  data.props = withCredentialProps(data, { ...data.props, ...command.props })
  await context.directory.update(data.roomId, describeMember(data))
  socket.to(data.roomId).emit('on_props_set', data.memberId, data.props)
  return { props: data.props }
}

/**
 * `token_update`: accepts a fresh token for the same room and identity and moves the member's
 * expiry to the new token's. Returns the new expiry in epoch milliseconds.
 */
export function verifyTokenUpdate(socket: SignalingSocket, context: SessionContext, command: CommandOf<'token_update'>): number {
  const claims = verifySignalingCredential(command.token, context.secret)
  if (claims.sub !== socket.data.identity) throw new SignalingRequestError('FORBIDDEN', 'The new token is for another identity')
  if (claims.room !== socket.data.room) throw new SignalingRequestError('FORBIDDEN', 'The new token is for another room')
  return claims.exp * 1000
}

/**
 * A moderator muted this member (the admin API): `on_mute { kind }` to it, then its `audio` or `video`
 * prop set false and the room told (`on_props_set`), as if it had turned the device off itself.
 */
export async function muteByModerator(socket: SignalingSocket, context: SessionContext, { kind }: Mute): Promise<void> {
  if (!socket.connected) return
  socket.emit(serverEvents.mute, { kind })
  const { data } = socket
  if (!data.joined) return
  data.props = { ...data.props, [kind]: false }
  await context.directory.update(data.roomId, describeMember(data))
  if (data.joined) socket.to(data.roomId).emit('on_props_set', data.memberId, data.props)
}

/**
 * A moderator changed this member's name and/or metadata (the admin API): they replace what its
 * credential fixed (a later `props_set` of the client cannot undo them), its `display_name` /
 * `metadata` props follow, and the room is told (`on_props_set`), as when a member changes its own props.
 */
export async function updateByModerator(socket: SignalingSocket, context: SessionContext, update: AdminUpdate): Promise<void> {
  if (!socket.connected) return
  const { data } = socket
  if (update.name !== undefined) data.name = update.name
  if (update.metadata !== undefined) data.metadata = update.metadata
  data.props = withCredentialProps(data, data.props)
  if (!data.joined) return
  await context.directory.update(data.roomId, describeMember(data))
  if (data.joined) socket.to(data.roomId).emit('on_props_set', data.memberId, data.props)
}
