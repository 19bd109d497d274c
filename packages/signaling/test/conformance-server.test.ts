import { runServerAdapterSuite, type JoinedParticipant } from '@callport/testkit'
import type { DisconnectReason, TrackKind } from '@callport/core'
import { createSignalingServer, signaling, type SignalingServer } from '../src/server/index'
import type { Kick } from '../src/shared/protocol'
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
 * the member as `on_mute`, close) that `signaling()` declares. No `vendor` back door: a signaling room
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
    const joined = await request(socket, {
      type: 'auth',
      command: { command: 'join', room_id: info.server_metadata.room_id, props: { audio: publish?.audio ?? false, video: publish?.video ?? false } },
    })
    if (joined.error) throw new Error(`join failed: ${joined.error.code}`)
    return {
      async leave() {
        socket.disconnect()
      },
      disconnectReason: () => reason,
      mutedByModerator: () => muted,
    }
  },
})
