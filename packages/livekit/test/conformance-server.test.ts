import type { WebhookEvent } from '@callport/core'
import { runServerAdapterSuite } from '@callport/testkit'
import { afterAll, beforeAll } from 'vitest'
import { livekit } from '../src/server/index'
import { FakeLiveKit } from './fake-livekit'
import { sample, sampleEvents, signedDelivery } from './webhook-deliveries'

const fake = new FakeLiveKit('APIconformance', 'conformance-secret-0123456789-abcdef')

beforeAll(() => fake.start())
afterAll(() => fake.stop())

/** LiveKit's webhook events and what each normalizes to. */
const webhookSamples = sampleEvents()
const webhookRoom = { providerRoomId: sample.room.sid, name: sample.room.name }
const webhookParticipant = { identity: sample.participant.identity, providerParticipantId: sample.participant.sid, name: sample.participant.name }
const webhookExpectations: Record<string, Partial<WebhookEvent>> = {
  room_started: { type: 'room-started', room: webhookRoom },
  room_finished: { type: 'room-ended', room: webhookRoom },
  participant_joined: { type: 'participant-joined', room: webhookRoom, participant: webhookParticipant },
  participant_left: { type: 'participant-left', room: webhookRoom, participant: webhookParticipant, reason: 'CLIENT_INITIATED' },
  track_published: { type: 'track-published', room: webhookRoom, participant: webhookParticipant, track: { id: sample.track.sid, kind: 'video' } },
  egress_ended: { type: 'recording-ended', room: webhookRoom, recording: { id: sample.egress.egressId, status: 'completed', url: sample.egress.location } },
  egress_updated: { type: 'provider-event', name: 'egress_updated', room: webhookRoom },
}

runServerAdapterSuite({
  name: 'livekit',
  setup: () => {
    fake.reset()
    return fake
  },
  createAdapter: () => livekit({ apiKey: fake.apiKey, apiSecret: fake.apiSecret, url: fake.url, retry: { limit: 0 }, environmentVariables: {} }),
  // The participant joins the fake LiveKit with the token the adapter issued, as livekit-client would;
  // there is no client half yet, so removal and muting are read from the fake.
  join: async ({ token, publish }) => {
    const joined = await fake.join(token.value, publish)
    return {
      leave: () => {
        for (const room of fake.rooms.values()) if (room.participants.get(joined.identity) === joined) room.participants.delete(joined.identity)
        return Promise.resolve()
      },
      disconnectReason: () => (joined.removed ? 'removed' : undefined),
      mutedByModerator: () => joined.mutedByModerator,
    }
  },
  vendor: {
    verifyToken: async (token) => {
      try {
        const claims = await fake.verify(token.value)
        const room = fake.rooms.get(token.room)
        return claims.video?.roomJoin === true && claims.video.room === token.room && room?.sid === token.providerRoomId && claims.sub === token.identity
      } catch {
        return false
      }
    },
    roomExists: (room) => fake.rooms.get(room.name)?.sid === room.providerRoomId,
    participants: (room) => [...(fake.rooms.get(room.name)?.participants.keys() ?? [])],
  },
  // Deliveries made and signed by livekit-server-sdk as LiveKit's server sends them (test/webhook-deliveries.ts).
  webhooks: {
    sign: ({ body, url }) => signedDelivery(body, fake.apiKey, fake.apiSecret, url),
    signatureHeader: 'authorization',
    events: Object.entries(webhookExpectations).map(([name, expected]) => ({
      body: webhookSamples[name]!.toJsonString(),
      expected: { id: webhookSamples[name]!.id, ...expected },
    })),
  },
})
