import type { ClientConnection, ConnectionQuality, TrackKind } from '@callport/core'
import { runClientAdapterSuite } from '@callport/testkit'
import { afterEach, beforeAll, vi } from 'vitest'
import { signaling, type SignalingConnection } from '../src/client/index'
import { fakeDevices, fakeWebrtc, setFakeNetwork, type FakeTrack } from './client/fake-webrtc'
import { useSignaling } from './client/harness'

// Node has no WebRTC: both clients get the in-process stand-in of test/client/fake-webrtc.ts, so
// peer connections negotiate through the real signaling server and the track tests run (no media
// flows; the stand-in's receivers report their sender's level and its stats a round-trip time set
// by the back doors). Real media runs in test/browser.
const harness = useSignaling()
beforeAll(async () => {
  await harness.start()
})

/** Every connection the suite's adapter made, by identity (the local back doors reach them). */
const connections = new Map<string, SignalingConnection>()
/** Participants the local back door added to measure the local quality over. */
const peers: SignalingConnection[] = []
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.disconnect()))
})

const microphoneOf = (connection: ClientConnection) =>
  connection.localTracks!().find((track) => track.source === 'microphone')?.mediaStreamTrack as unknown as FakeTrack | undefined

/** Sets the network of every peer connection of `connection` (and of its peers' ends), once one is up. */
async function setNetwork(connection: SignalingConnection, quality: ConnectionQuality): Promise<void> {
  await vi.waitFor(() => {
    if (![...connection.vendor.peerConnections.values()].some((peerConnection) => peerConnection.connectionState === 'connected')) throw new Error('no peer connection up yet')
  })
  for (const peerConnection of connection.vendor.peerConnections.values()) setFakeNetwork(peerConnection, quality)
}

async function joinRemote(room: string, identity: string): Promise<SignalingConnection> {
  return signaling({ webrtc: fakeWebrtc() }).connect(await harness.token({ room, identity }), {
    audio: false,
    video: false,
    refreshToken: () => harness.token({ room, identity }),
  })
}

runClientAdapterSuite({
  name: 'signaling (Node, real signaling server)',
  // Connection quality is sampled every 2 s (getStats deltas): an event may take two intervals.
  eventTimeoutMilliseconds: 6000,
  createAdapter: () => {
    const adapter = signaling({ webrtc: fakeWebrtc() })
    return {
      ...adapter,
      async connect(token, options) {
        const connection = await adapter.connect(token, options)
        connections.set(token.identity, connection)
        return connection
      },
    }
  },
  issueToken: ({ room, identity }) => harness.token({ room, identity }),
  refusedToken: ({ room, identity }) => harness.token({ room, identity }, 'another-secret-of-at-least-32-bytes-0123456789'),
  remote: {
    async join({ room, identity }) {
      const received: string[] = []
      const connection = await joinRemote(room, identity)
      connection.on('data-received', ({ data }) => received.push(data))
      return {
        leave: () => connection.disconnect(),
        // Turned off, a signaling camera stays published, muted: unpublishing it takes the sender out
        // of every peer connection (the vendor object), which ends the track on the other side.
        async setCameraEnabled(enabled) {
          if (enabled) return connection.setCameraEnabled(true)
          for (const peerConnection of connection.vendor.peerConnections.values()) {
            for (const sender of peerConnection.getSenders()) if (sender.track?.kind === 'video') peerConnection.removeTrack(sender)
          }
        },
        setCameraMuted: (muted) => connection.setCameraEnabled(!muted),
        sendData: (data) => connection.sendData(data),
        receivedData: () => received,
        async setSpeaking(level) {
          if (level > 0) await connection.setMicrophoneEnabled(true)
          const microphone = microphoneOf(connection)
          if (microphone) microphone.level = level
        },
        setConnectionQuality: (quality) => setNetwork(connection, quality),
        async updateParticipant({ name, metadata }) {
          // What the signaling server relays for a member's props_set of display_name / metadata.
          const socket = connection.vendor.socket!
          await new Promise((resolve, reject) =>
            socket.emit(
              'request',
              {
                type: 'auth',
                command: { command: 'props_set', props: { ...(name === undefined ? {} : { display_name: name }), ...(metadata === undefined ? {} : { metadata }) } },
              },
              (result: unknown, error: unknown) => (error ? reject(new Error(JSON.stringify(error))) : resolve(result)),
            ),
          )
        },
        setScreenShareEnabled: (enabled) => connection.setScreenShareEnabled(enabled),
      }
    },
  },
  local: {
    deviceId: (kind) => (kind === 'camera' ? fakeDevices.video[1] : fakeDevices.audio[1]),
    async unplugDevice({ identity, kind }) {
      const source = kind
      const track = connections
        .get(identity)!
        .localTracks()
        .find((candidate) => candidate.source === source)
      ;(track?.mediaStreamTrack as unknown as FakeTrack | undefined)?.end()
    },
    async setConnectionQuality({ room, identity, quality }) {
      const connection = connections.get(identity)!
      // Quality is measured over peer connections: with nobody in the room, someone joins first.
      if (connection.vendor.peerConnections.size === 0) {
        const peer = await joinRemote(room, `${identity}-peer`)
        peers.push(peer)
      }
      await setNetwork(connection, quality)
    },
  },
  moderator: {
    async muteParticipant({ identity, kind }: { identity: string; kind: TrackKind }) {
      // The server's on_mute to that member (what the admin API's mute sends it).
      const server = harness.server!
      for (const socket of server.io.sockets.sockets.values()) if (socket.handshake.query.username === identity) socket.emit('on_mute', { kind })
    },
  },
})
