import { createCallServer } from '@callport/server'
import { runServerAdapterSuite } from '@callport/testkit'
import twilioNode from 'twilio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DisconnectReason } from '@callport/core'
import { twilio as twilioClient } from '../src/client/index'
import { twilio } from '../src/server/index'
import participantConnected from './fixtures/status-callbacks/participant-connected.json'
import recordingCompleted from './fixtures/status-callbacks/recording-completed.json'
import roomCreated from './fixtures/status-callbacks/room-created.json'
import roomEnded from './fixtures/status-callbacks/room-ended.json'
import trackAdded from './fixtures/status-callbacks/track-added.json'
import { FakeTwilioError } from './fake-twilio-cloud'
import { createTwilioHarness, credentials, mswServer } from './twilio-harness'

beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }))
afterAll(() => mswServer.close())

/** Status callback parameters as Twilio posts them (form-encoded), from the fixtures. */
const form = (parameters: Record<string, string>): string => new URLSearchParams(parameters).toString()
const occurredAt = (parameters: { Timestamp: string }): string => new Date(parameters.Timestamp).toISOString()
const callbackRoom = { name: 'standup', providerRoomId: roomCreated.RoomSid }

runServerAdapterSuite({
  name: 'twilio',
  setup: () => createTwilioHarness({ authToken: credentials.authToken }),
  teardown: () => mswServer.resetHandlers(),
  createAdapter: (harness) => harness.adapter,
  // The participant connects through the Twilio client adapter over the fake twilio-video, holding the
  // token the adapter issued: a REST removal ends its connection as twilio-video ends it (no error), which the client reads as `removed`.
  join: async ({ token }, harness) => {
    const connection = await twilioClient({ sdk: harness.video, data: false }).connect(token, {
      audio: false,
      video: false,
      refreshToken: () => Promise.reject(new Error('not used')),
    })
    let reason: DisconnectReason | undefined
    connection.on('disconnected', (event) => (reason = event.reason))
    return { leave: () => connection.disconnect(), disconnectReason: () => reason }
  },
  // What the fake Twilio cloud holds. It admits a token's holder as Twilio does: an Access Token
  // signed with the API key's secret (HS256/384/512), unexpired, issued by the key for the account,
  // whose video grant names the in-progress room the token is for (Twilio connects by room name).
  vendor: {
    verifyToken: (token, { cloud }) => {
      const room = cloud.rooms.get(token.providerRoomId)
      if (room?.json.status !== 'in-progress' || room.json.unique_name !== token.room) return false
      try {
        return cloud.verifyAccessToken(token.value, room.json.unique_name).identity === token.identity
      } catch (error) {
        if (error instanceof FakeTwilioError) return false
        throw error
      }
    },
    roomExists: (room, { cloud }) => cloud.rooms.get(room.providerRoomId)?.json.status === 'in-progress',
    participants: (room, { cloud }) =>
      [...(cloud.rooms.get(room.providerRoomId)?.participants.values() ?? [])]
        .filter((participant) => participant.json.status === 'connected')
        .map((participant) => participant.json.identity),
  },
  // Status callbacks signed as Twilio signs them (X-Twilio-Signature: HMAC-SHA1 of the URL and the
  // sorted parameters with the Auth Token), computed by twilio-node itself.
  webhooks: {
    sign: ({ body, url }) => ({
      url,
      method: 'POST',
      headers: new Headers({
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioNode.getExpectedTwilioSignature(credentials.authToken, url, Object.fromEntries(new URLSearchParams(body))),
      }),
      body,
    }),
    signatureHeader: 'x-twilio-signature',
    events: [
      {
        body: form(roomCreated),
        expected: { id: `twilio-${roomCreated.RoomSid}-0`, type: 'room-started', room: callbackRoom, occurredAt: occurredAt(roomCreated) },
      },
      {
        body: form(participantConnected),
        expected: {
          id: `twilio-${participantConnected.RoomSid}-${participantConnected.SequenceNumber}`,
          type: 'participant-joined',
          room: callbackRoom,
          participant: { identity: 'alice', providerParticipantId: participantConnected.ParticipantSid },
          occurredAt: occurredAt(participantConnected),
        },
      },
      {
        body: form(trackAdded),
        expected: {
          type: 'track-published',
          participant: { identity: 'alice', providerParticipantId: trackAdded.ParticipantSid },
          track: { id: trackAdded.TrackSid, kind: 'video' },
        },
      },
      {
        body: form(recordingCompleted),
        expected: { type: 'recording-ended', recording: { id: recordingCompleted.RecordingSid, status: 'completed', url: recordingCompleted.RecordingUri } },
      },
      { body: form(roomEnded), expected: { type: 'room-ended', room: callbackRoom, occurredAt: occurredAt(roomEnded) } },
    ],
  },
})

describe('createCallServer with twilio', () => {
  const authorize = async () => ({ identity: 'alice' })

  it.each([0, 86_401])('refuses tokenTtlSeconds %d at construction, naming the bounds', (tokenTtlSeconds) => {
    expect(() => createCallServer({ providers: [twilio({ ...credentials })], authorize, tokenTtlSeconds })).toThrow(/twilio.*1…86400/)
  })

  it("accepts Twilio's maximum of 24 hours", () => {
    expect(() => createCallServer({ providers: [twilio({ ...credentials })], authorize, tokenTtlSeconds: 86_400 })).not.toThrow()
  })
})
