import type { DisconnectReason, Participant, TrackKind, WebhookEvent } from '@callport/core'
import { createFakeMediaDevices } from '@callport/test-environment'
import { runServerAdapterSuite } from '@callport/testkit'
import { afterAll, beforeAll, vi } from 'vitest'
import { livekit as livekitClient } from '../src/client/index'
import { livekit } from '../src/server/index'
import { FakeLiveKit } from './fake-livekit'
import { createFakeLiveKitClient } from './fake-livekit-client'
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
    // The page's capture (what the joined participant publishes) comes from fake devices.
    vi.stubGlobal('navigator', { mediaDevices: createFakeMediaDevices() })
    return { sdk: createFakeLiveKitClient(fake) }
  },
  teardown: () => void vi.unstubAllGlobals(),
  createAdapter: () => livekit({ apiKey: fake.apiKey, apiSecret: fake.apiSecret, url: fake.url, retry: { limit: 0 }, environmentVariables: {} }),
  // The participant connects through the LiveKit client adapter over the fake livekit-client, holding
  // the token the adapter issued: RemoveParticipant, MutePublishedTrack and UpdateParticipant reach
  // its page as LiveKit's signal messages reach livekit-client, and the page reports what it saw.
  join: async ({ token, publish }, { sdk }) => {
    const connection = await livekitClient({ sdk }).connect(token, {
      audio: publish?.audio ?? false,
      video: publish?.video ?? false,
      refreshToken: () => Promise.reject(new Error('not used')),
    })
    let reason: DisconnectReason | undefined
    const muted: TrackKind[] = []
    const updates: Participant[] = []
    connection.on('disconnected', (event) => (reason = event.reason))
    connection.on('muted-by-moderator', (event) => muted.push(event.kind))
    connection.on('participant-updated', (event) => updates.push(event.participant))
    return { leave: () => connection.disconnect(), disconnectReason: () => reason, mutedByModerator: () => muted, participantUpdates: () => updates }
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
