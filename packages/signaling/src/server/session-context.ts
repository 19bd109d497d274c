import type { Kick, Mute } from '../shared/protocol'
import type { AdminUpdate } from './admin-protocol'
import type { FloodBudgets } from './flood-budgets'
import type { MemberDirectory } from './member-directory'
import type { ResolvedLimits } from './server-options'
import type { SignalingIo, SignalingSocket } from './socket-types'

/** What a socket's session needs from its server. */
export interface SessionContext {
  io: SignalingIo
  secret: string
  directory: MemberDirectory
  limits: ResolvedLimits
  /** Budgets shared by the sockets of this process (per identity, cool-downs). */
  budgets: FloodBudgets
  /** Kicks a member wherever it is connected (this process or another one). */
  kickMember(memberId: string, kick: Kick): void
  /** Mutes a member (moderator's `on_mute`) wherever it is connected. */
  muteMember(memberId: string, mute: Mute): void
  /** Changes a member's name and/or metadata (the room is told with `on_props_set`) wherever it is connected. */
  updateMember(memberId: string, update: AdminUpdate): void
  /** Keeps track of work that `close()` waits for. */
  track(task: Promise<unknown>): void
  onError(error: unknown): void
}

/** Sends `on_kick` and then disconnects the socket (the client does not reconnect on its own). */
export function kickSocket(socket: SignalingSocket, kick: Kick): void {
  if (!socket.connected) return
  socket.emit('on_kick', kick)
  socket.disconnect(true)
}
