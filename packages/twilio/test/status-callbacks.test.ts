import { createCallServer } from '@callport/server'
import type { WebhookEvent } from '@callport/core'
import twilioNode from 'twilio'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { twilio } from '../src/server/index'
import { normalizeStatusCallback, statusCallbackEventId } from '../src/server/status-callbacks'
import participantConnected from './fixtures/status-callbacks/participant-connected.json'
import recordingCompleted from './fixtures/status-callbacks/recording-completed.json'
import roomCreated from './fixtures/status-callbacks/room-created.json'
import roomEnded from './fixtures/status-callbacks/room-ended.json'
import trackAdded from './fixtures/status-callbacks/track-added.json'
import { createTwilioHarness, credentials, mswServer } from './twilio-harness'

beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }))
afterEach(() => mswServer.resetHandlers())
afterAll(() => mswServer.close())

const roomSid = roomCreated.RoomSid

describe('normalizeStatusCallback', () => {
  it.each([
    ['room-created', roomCreated, { type: 'room-started' }],
    ['room-ended', roomEnded, { type: 'room-ended' }],
    [
      'participant-connected',
      participantConnected,
      { type: 'participant-joined', participant: { identity: 'alice', providerParticipantId: participantConnected.ParticipantSid } },
    ],
    [
      'track-added',
      trackAdded,
      { type: 'track-published', participant: { identity: 'alice', providerParticipantId: trackAdded.ParticipantSid }, track: { id: trackAdded.TrackSid, kind: 'video' } },
    ],
    [
      'recording-completed',
      recordingCompleted,
      { type: 'recording-ended', recording: { id: recordingCompleted.RecordingSid, status: 'completed', url: recordingCompleted.RecordingUri } },
    ],
  ] as const)('normalizes %s', (_name, parameters, expected) => {
    const event = normalizeStatusCallback(parameters)
    expect(event).toMatchObject({
      ...expected,
      id: `twilio-${roomSid}-${parameters.SequenceNumber}`,
      provider: 'twilio',
      room: { providerRoomId: roomSid, name: 'standup' },
      occurredAt: new Date(parameters.Timestamp).toISOString(),
      raw: parameters,
    })
  })

  it.each([
    ['participant-disconnected', 'participant-left'],
    ['track-removed', 'track-unpublished'],
    ['recording-started', 'recording-started'],
    ['recording-failed', 'recording-ended'],
    ['track-enabled', 'provider-event'],
    ['track-disabled', 'provider-event'],
    ['something-new', 'provider-event'],
  ])('maps %s to %s', (name, type) => {
    const event = normalizeStatusCallback({ ...trackAdded, StatusCallbackEvent: name })
    expect(event.type).toBe(type)
    if (event.type === 'provider-event') expect(event.name).toBe(name)
    if (event.type === 'recording-ended') expect(event.recording.status).toBe('failed')
  })

  it('a participant or track event without the identity or track kind stays a provider-event, raw kept', () => {
    const { ParticipantIdentity: _identity, ...anonymous } = participantConnected
    expect(normalizeStatusCallback(anonymous)).toMatchObject({ type: 'provider-event', name: 'participant-connected', raw: anonymous })
    expect(normalizeStatusCallback({ ...trackAdded, TrackKind: 'hologram' })).toMatchObject({ type: 'provider-event', name: 'track-added' })
  })

  it('names the room only when RoomName is a valid Callport room name', () => {
    expect(normalizeStatusCallback({ ...roomCreated, RoomName: 'has a space' }).room).toEqual({ providerRoomId: roomSid })
  })

  it('refuses parameters without StatusCallbackEvent', () => {
    const { StatusCallbackEvent: _event, ...nameless } = roomCreated
    expect(() => normalizeStatusCallback(nameless)).toThrow(/StatusCallbackEvent/)
  })

  it('ids are stable: RoomSid and SequenceNumber, else a hash of every parameter', () => {
    expect(statusCallbackEventId(roomCreated)).toBe(statusCallbackEventId({ ...roomCreated }))
    const { SequenceNumber: _sequence, ...unnumbered } = participantConnected
    const id = statusCallbackEventId(unnumbered)
    expect(id).toMatch(/^twilio-[0-9a-f]{40}$/)
    expect(statusCallbackEventId(Object.fromEntries(Object.entries(unnumbered).reverse()))).toBe(id)
    expect(statusCallbackEventId({ ...unnumbered, ParticipantIdentity: 'bob' })).not.toBe(id)
  })
})

/** A Callport server with the Twilio adapter, reached through its Fetch handler. */
function callServer(settings: Parameters<typeof twilio>[0] = {}) {
  const { adapter, cloud } = createTwilioHarness({ authToken: credentials.authToken, ...settings })
  const calls = createCallServer({ providers: [adapter], authorize: async () => ({ identity: 'alice' }), basePath: '/calls' })
  const events: WebhookEvent[] = []
  calls.on('webhook', (event) => events.push(event))
  return { calls, events, cloud }
}

function delivery(url: string, parameters: Record<string, string>, signature: string | undefined, headers: Record<string, string> = {}): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === undefined ? {} : { 'x-twilio-signature': signature }), ...headers },
    body: new URLSearchParams(parameters),
  })
}

describe('status callbacks through createCallServer', () => {
  const url = 'https://calls.example.com/calls/webhooks/twilio'

  it('accepts a delivery signed by twilio-node, emits it once, and answers 204', async () => {
    const { calls, events } = callServer()
    const signature = twilioNode.getExpectedTwilioSignature(credentials.authToken, url, participantConnected)
    expect((await calls.fetch(delivery(url, participantConnected, signature))).status).toBe(204)
    expect((await calls.fetch(delivery(url, participantConnected, signature))).status).toBe(204)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ type: 'participant-joined', participant: { identity: 'alice' } })
  })

  it('answers 403 for a wrong or missing signature and emits nothing', async () => {
    const { calls, events } = callServer()
    const wrong = twilioNode.getExpectedTwilioSignature('not-the-auth-token', url, roomCreated)
    for (const signature of [wrong, undefined, '']) {
      const response = await calls.fetch(delivery(url, roomCreated, signature))
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ code: 'FORBIDDEN', provider: 'twilio' })
    }
    const tampered = twilioNode.getExpectedTwilioSignature(credentials.authToken, url, roomCreated)
    expect((await calls.fetch(delivery(url, { ...roomCreated, RoomName: 'other' }, tampered))).status).toBe(403)
    expect(events).toEqual([])
  })

  it('accepts a delivery signed over the configured status callback URL, when a proxy changed the host', async () => {
    const { calls, events } = callServer({ statusCallbackUrl: url })
    const signature = twilioNode.getExpectedTwilioSignature(credentials.authToken, url, roomCreated)
    const response = await calls.fetch(delivery('http://10.0.0.7:8080/calls/webhooks/twilio', roomCreated, signature))
    expect(response.status).toBe(204)
    expect(events.map((event) => event.type)).toEqual(['room-started'])
  })

  it('a signature twilio-node validates is one Callport computes: what Twilio signs over the StatusCallback the adapter set', async () => {
    const { calls, events, cloud } = callServer({ statusCallbackUrl: url })
    await calls.join({ room: 'standup', participant: { identity: 'alice' } })
    const [callback] = cloud.callbacks
    expect(callback?.url).toBe(url)
    const signature = twilioNode.getExpectedTwilioSignature(credentials.authToken, callback!.url, callback!.parameters)
    expect((await calls.fetch(delivery(callback!.url, callback!.parameters, signature))).status).toBe(204)
    expect(events[0]).toMatchObject({ type: 'room-started', room: { name: 'standup', providerRoomId: cloud.find('standup')!.json.sid } })
  })

  it('room-ended of the live room makes createCallServer forget it', async () => {
    const { calls, cloud } = callServer({ statusCallbackUrl: url })
    const { room } = await calls.join({ room: 'standup', participant: { identity: 'alice' } })
    cloud.completeRoom(cloud.find(room.providerRoomId)!)
    const ended = cloud.callbacks.find((callback) => callback.parameters.StatusCallbackEvent === 'room-ended')!
    const signature = twilioNode.getExpectedTwilioSignature(credentials.authToken, ended.url, ended.parameters)
    expect((await calls.fetch(delivery(ended.url, ended.parameters, signature))).status).toBe(204)
    expect(await calls.getRoom({ room: 'standup' })).toBeNull()
  })

  it('without an auth token the adapter has no webhook handler and the route is 404', async () => {
    const { adapter } = createTwilioHarness()
    expect(adapter.webhook).toBeUndefined()
    expect(adapter.capabilities.webhooks).toBe(false)
    const calls = createCallServer({ providers: [adapter], authorize: async () => null })
    expect((await calls.fetch(delivery('https://calls.example.com/webhooks/twilio', roomCreated, 'x'))).status).toBe(404)
  })
})

/**
 * SharedKey signatures, as twilio-node 6.3.1 `lib/webhooks/webhooks.js` defines them: Twilio adds
 * `X-Twilio-Webhooks-Signature-Settings: key=<SharedKey SID>,algorithm=<HMAC_SHA1|HMAC_SHA256>` and signs
 * `X-Twilio-Signature` with the SharedKey's secret under that algorithm; `webhook({ sharedKeySecret })`
 * then checks with that secret and `getSignatureAlgorithm(header)` instead of the auth token.
 */
describe('SharedKey status callbacks through createCallServer', () => {
  const url = 'https://calls.example.com/calls/webhooks/twilio'
  const sharedKeySecret = 'test-shared-key-secret-for-callport'
  const settingsHeader = (algorithm: string) => ({ [twilioNode.SIGNATURE_SETTINGS_HEADER]: `key=webhooks_sharedkey_0123456789abcdef,algorithm=${algorithm}` })

  it.each(['HMAC_SHA256', 'HMAC_SHA1'])('accepts a delivery signed with the SharedKey secret under %s', async (algorithm) => {
    const { calls, events } = callServer({ sharedKeySecret })
    const signature = twilioNode.getExpectedTwilioSignature(sharedKeySecret, url, roomCreated, algorithm)
    expect(
      twilioNode.validateRequest(
        sharedKeySecret,
        signature,
        url,
        roomCreated,
        twilioNode.getSignatureAlgorithm(settingsHeader(algorithm)[twilioNode.SIGNATURE_SETTINGS_HEADER]),
      ),
    ).toBe(true)
    expect((await calls.fetch(delivery(url, roomCreated, signature, settingsHeader(algorithm)))).status).toBe(204)
    expect(events.map((event) => event.type)).toEqual(['room-started'])
  })

  it('refuses a SharedKey signature without its settings header, an auth-token signature with it, another algorithm, and an unknown one', async () => {
    const { calls, events } = callServer({ sharedKeySecret })
    const sha256 = twilioNode.getExpectedTwilioSignature(sharedKeySecret, url, roomCreated, 'HMAC_SHA256')
    expect((await calls.fetch(delivery(url, roomCreated, sha256))).status).toBe(403)
    const byAuthToken = twilioNode.getExpectedTwilioSignature(credentials.authToken, url, roomCreated)
    expect((await calls.fetch(delivery(url, roomCreated, byAuthToken, settingsHeader('HMAC_SHA1')))).status).toBe(403)
    expect((await calls.fetch(delivery(url, roomCreated, sha256, settingsHeader('HMAC_SHA1')))).status).toBe(403)
    expect((await calls.fetch(delivery(url, roomCreated, sha256, settingsHeader('HMAC_SHA512')))).status).toBe(403)
    expect((await calls.fetch(delivery(url, roomCreated, `${sha256}=`, settingsHeader('HMAC_SHA256')))).status).toBe(403)
    // The auth token still verifies deliveries without the header.
    expect((await calls.fetch(delivery(url, roomCreated, byAuthToken))).status).toBe(204)
    expect(events).toHaveLength(1)
  })

  it('without a sharedKeySecret a SharedKey delivery is refused, whatever it is signed with', async () => {
    const { calls, events } = callServer()
    for (const key of [credentials.authToken, sharedKeySecret]) {
      const signature = twilioNode.getExpectedTwilioSignature(key, url, roomCreated, 'HMAC_SHA256')
      expect((await calls.fetch(delivery(url, roomCreated, signature, settingsHeader('HMAC_SHA256')))).status).toBe(403)
    }
    expect(events).toEqual([])
  })

  it('a sharedKeySecret alone gives the adapter its webhook handler, which refuses deliveries signed with an auth token', async () => {
    const { adapter } = createTwilioHarness({ sharedKeySecret })
    expect(adapter.capabilities.webhooks).toBe(true)
    const calls = createCallServer({ providers: [adapter], authorize: async () => null, basePath: '/calls' })
    const byAuthToken = twilioNode.getExpectedTwilioSignature(credentials.authToken, url, roomCreated)
    expect((await calls.fetch(delivery(url, roomCreated, byAuthToken))).status).toBe(403)
    const sha256 = twilioNode.getExpectedTwilioSignature(sharedKeySecret, url, roomCreated, 'HMAC_SHA256')
    expect((await calls.fetch(delivery(url, roomCreated, sha256, settingsHeader('HMAC_SHA256')))).status).toBe(204)
  })
})
