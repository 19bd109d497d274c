import { runServerAdapterSuite, type JoinedParticipant } from '@callport/testkit'
import type { DisconnectReason, Participant, TrackKind } from '@callport/core'
import { createSignalingServer, signaling, type SignalingServer } from '../src/server/index'
import type { Kick, Member, MemberProps } from '../src/shared/protocol'
import { nextEvent, openSocket, request, SECRET } from './server/harness'

/** How the client adapter names the server's kick reasons (`on_kick`). */
const disconnectReasons: Record<Kick['reason'], DisconnectReason> = {
  token_expired: 'token-expired',
  removed: 'removed',
  room_closed: 'room-closed',
  duplicate_identity: 'duplicate-identity',
  server_shutdown: 'server-shutdown',
}

/**
 * The server adapter conformance suite against a real signaling server, with participants joined over
 * socket.io: it proves the moderation capabilities (list, remove with reason `removed`, mute reaching
 * the member as `on_mute`, update reaching the others as `on_props_set` with the new `display_name` /
 * `metadata`, close) that `signaling()` declares. No `vendor` back door: a signaling room
 * exists only while someone is in it, so "ensureRoom makes the room exist" does not apply.
 */
runServerAdapterSuite<{ server: SignalingServer; url: string }>({
  name: 'signaling (against a running signaling server)',
  async setup() {
    const server = createSignalingServer({ secret: SECRET })
    const { url } = await server.listen({ port: 0, host: '127.0.0.1' })
    return { server, url }
  },
  teardown: ({ server }) => server.close(),
  createAdapter: ({ url }) => signaling({ secret: SECRET, url }),
  async join({ token, participant, publish }, { url }): Promise<JoinedParticipant> {
    const socket = openSocket(url, participant.identity, { token: token.value })
    const [info] = (await nextEvent(socket, 'on_connection')) as [{ server_metadata: { room_id: string } }]
    let reason: DisconnectReason | undefined
    const muted: TrackKind[] = []
    socket.on('on_kick', (kick: Kick) => (reason = disconnectReasons[kick.reason]))
    socket.on('on_mute', ({ kind }: { kind: TrackKind }) => muted.push(kind))
    // The others' names and metadata as the client adapter reads them from `on_props_set` (remote-member.ts).
    const members = new Map<string, Member>()
    const updates: Participant[] = []
    socket.on('on_join', (memberId: string, member: Member) => members.set(memberId, member))
    socket.on('on_props_set', (memberId: string, props: MemberProps) => {
      const member = members.get(memberId)
      if (!member) return
      updates.push({
        identity: member.name,
        role: member.role,
        ...(props.display_name === undefined ? {} : { name: props.display_name }),
        ...(props.metadata === undefined ? {} : { metadata: props.metadata }),
      })
    })
    const joined = await request(socket, {
      type: 'auth',
      command: { command: 'join', room_id: info.server_metadata.room_id, props: { audio: publish?.audio ?? false, video: publish?.video ?? false } },
    })
    if (joined.error) throw new Error(`join failed: ${joined.error.code}`)
    for (const member of (joined.result as { members: Member[] }).members) members.set(member.id, member)
    return {
      async leave() {
        socket.disconnect()
      },
      disconnectReason: () => reason,
      mutedByModerator: () => muted,
      participantUpdates: () => updates,
    }
  },
})
