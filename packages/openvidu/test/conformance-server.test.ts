import type { DisconnectReason } from '@callport/core'
import { runServerAdapterSuite } from '@callport/testkit'
import { openvidu as openviduClient } from '../src/client/index'
import { openvidu } from '../src/server/index'
import { createFakeOpenVidu, type FakeOpenVidu } from './fake-openvidu'
import { FakeOpenViduMedia } from './fake-openvidu-browser'
import participantJoined from './fixtures/webhooks/participant-joined.json'
import participantLeft from './fixtures/webhooks/participant-left.json'
import recordingReady from './fixtures/webhooks/recording-ready.json'
import sessionCreated from './fixtures/webhooks/session-created.json'
import sessionDestroyed from './fixtures/webhooks/session-destroyed.json'
import webrtcConnectionCreated from './fixtures/webhooks/webrtc-connection-created.json'
import { useMswServer } from './msw-server'

const server = useMswServer()

/** The header OpenVidu sends with every webhook (OPENVIDU_WEBHOOK_HEADERS), configured on the adapter. */
const webhookHeader = { name: 'Authorization', value: 'Basic d2ViaG9vazpzZWNyZXQ=' }
/** OpenVidu's webhook bodies (openvidu-server 2.32.2 CDR events, as JSON) and what they normalize to. */
const room = { providerRoomId: 'standup', name: 'standup' }
const at = (event: { timestamp: number }): string => new Date(event.timestamp).toISOString()
const alice = { identity: 'alice', name: 'Alice', providerParticipantId: participantJoined.connectionId }

/** The media side (fake openvidu-browser pages) of each fake OpenVidu. */
const medias = new WeakMap<FakeOpenVidu, FakeOpenViduMedia>()
function mediaOf(fake: FakeOpenVidu): FakeOpenViduMedia {
  const media = medias.get(fake) ?? new FakeOpenViduMedia(fake)
  medias.set(fake, media)
  return media
}

runServerAdapterSuite<FakeOpenVidu>({
  name: 'openvidu',
  setup: () => {
    const fake = createFakeOpenVidu()
    server.use(...fake.handlers)
    return fake
  },
  teardown: () => server.resetHandlers(),
  createAdapter: (fake) => openvidu({ url: fake.url, secret: fake.secret, webhookHeader }),
  // Joining: a page joins with the client adapter over the fake openvidu-browser, so OpenVidu turns
  // the pending connection active; what openvidu-server tells the page (a REST DELETE of its
  // connection is sessionDisconnected 'forceDisconnectByServer') reaches the connection's events.
  join: async ({ token }, fake) => {
    const media = mediaOf(fake)
    const connection = await openviduClient({ sdk: media.OpenVidu }).connect(token, {
      audio: false,
      video: false,
      refreshToken: () => Promise.reject(new Error('the suite gives one token per join')),
    })
    let reason: DisconnectReason | undefined
    connection.on('disconnected', (event) => {
      reason = event.reason
    })
    return { leave: () => connection.disconnect(), disconnectReason: () => reason }
  },
  // What the fake OpenVidu holds. openvidu-server admits a token's holder into the session named in
  // the token string, when that session has a pending connection with exactly that token.
  vendor: {
    verifyToken: (token, fake) => {
      const session = fake.sessions.get(token.providerRoomId)
      const sessionInValue = /[?&]sessionId=([^&]+)/.exec(token.value)?.[1]
      if (!session || sessionInValue !== token.providerRoomId) return false
      return [...session.connections.values()].some((connection) => connection.json.status === 'pending' && connection.json.token === token.value)
    },
    roomExists: (room, fake) => fake.sessions.has(room.providerRoomId),
    // OpenVidu lists connections; the identity is what the app put in the server data.
    participants: (room, fake) =>
      [...(fake.sessions.get(room.providerRoomId)?.connections.values() ?? [])]
        .filter((connection) => connection.json.status === 'active')
        .map((connection) => (JSON.parse(String(connection.json.serverData)) as { identity: string }).identity),
  },
  // OpenVidu signs nothing: it authenticates its deliveries with the configured header alone, so a
  // body altered on the way would still verify (bodyIntegrity: false). The header checks still run.
  webhooks: {
    sign: ({ body, url }) => ({ url, method: 'POST', headers: new Headers({ 'content-type': 'application/json', [webhookHeader.name]: webhookHeader.value }), body }),
    signatureHeader: webhookHeader.name,
    bodyIntegrity: false,
    events: [
      { body: JSON.stringify(sessionCreated), expected: { type: 'room-started', room, occurredAt: at(sessionCreated) } },
      { body: JSON.stringify(participantJoined), expected: { type: 'participant-joined', room, participant: alice, occurredAt: at(participantJoined) } },
      {
        body: JSON.stringify(participantLeft),
        expected: { type: 'participant-left', room, reason: 'disconnect', participant: { identity: 'alice', providerParticipantId: participantLeft.connectionId } },
      },
      { body: JSON.stringify(recordingReady), expected: { type: 'recording-ended', room, recording: { id: 'standup', status: 'completed' } } },
      { body: JSON.stringify(webrtcConnectionCreated), expected: { type: 'provider-event', name: 'webrtcConnectionCreated', room } },
      { body: JSON.stringify(sessionDestroyed), expected: { type: 'room-ended', room, reason: 'lastParticipantLeft', occurredAt: at(sessionDestroyed) } },
    ],
  },
})
