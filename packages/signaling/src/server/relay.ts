import type { Request, RelayedRequest } from '../shared/protocol'
import { SignalingRequestError } from './request-error'
import { sendingMediaSections } from './sdp-direction'
import type { SessionContext } from './session-context'
import type { SignalingSocket } from './socket-types'

type PeerRequest = Extract<Request, { type: 'command' }>

/**
 * A subscriber receives and does not publish, on the server's word: its data broadcasts and any
 * session description of its that sends media (an `a=sendrecv` or `a=sendonly` audio or video
 * section) are refused with FORBIDDEN and reach nobody.
 */
function refuseSubscriberPublishing({ to, command }: PeerRequest): void {
  if (command.command === 'data') {
    if (to === undefined) throw new SignalingRequestError('FORBIDDEN', 'A subscriber may not broadcast data to the room')
    return
  }
  const sdp = command.description?.sdp
  if (sdp === undefined) return
  const sending = sendingMediaSections(sdp)
  if (sending.length > 0) {
    throw new SignalingRequestError(
      'FORBIDDEN',
      `A subscriber may not send media: its ${command.description!.type} sends ${sending.join(', ')} (a=sendrecv or a=sendonly); offer and answer recvonly or inactive`,
    )
  }
}

/**
 * Relays `webrtc_signal` and `data` to members of the sender's room only: to one member (`to`), or,
 * for `data` without `to`, to everyone else in the room. The target receives
 * `request({ type: 'command', from, to?, command })`.
 */
export async function relayCommand(socket: SignalingSocket, context: SessionContext, request: PeerRequest): Promise<Record<string, never>> {
  const { data } = socket
  if (!data.joined) throw new SignalingRequestError('NOT_JOINED', 'Join the room before sending to its members')
  const { to, command } = request
  if (data.role === 'subscriber') refuseSubscriberPublishing(request)
  if (to === undefined) {
    if (command.command !== 'data') throw new SignalingRequestError('INVALID_INPUT', 'webrtc_signal needs `to`, the member id of its target')
    const relayed: RelayedRequest = { type: 'command', from: data.memberId, command }
    socket.to(data.roomId).emit('request', relayed)
    return {}
  }
  if (to === data.memberId || !(await context.directory.has(data.roomId, to))) {
    throw new SignalingRequestError('MEMBER_NOT_FOUND', 'No other member of your room has that id')
  }
  const relayed: RelayedRequest = { type: 'command', from: data.memberId, to, command }
  context.io.to(to).emit('request', relayed)
  return {}
}
