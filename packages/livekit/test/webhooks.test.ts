import { createHmac } from 'node:crypto'
import { CallportError, type WebhookEvent as CallportWebhookEvent, type WebhookRequest } from '@callport/core'
import { createCallServer, createMemoryRoomStore } from '@callport/server'
import fc from 'fast-check'
import { AccessToken, EgressInfo, EgressStatus, ParticipantInfo, Room, WebhookReceiver } from 'livekit-server-sdk'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { livekit } from '../src/server/index'
import { FakeLiveKit } from './fake-livekit'
import { bodySha256, sample, sampleEvents, signedDelivery, signWebhookBody, WEBHOOK_URL, webhookEvent } from './webhook-deliveries'

const apiKey = 'APIwebhooks123'
const apiSecret = 'webhook-test-secret-0123456789abcdefXYZ'
const adapter = livekit({ apiKey, apiSecret, url: 'wss://livekit.example.test', environmentVariables: {} })
const webhook = adapter.webhook!
const receiver = new WebhookReceiver(apiKey, apiSecret)

afterEach(() => {
  vi.useRealTimers()
})

/** Whether livekit-server-sdk's WebhookReceiver accepts the delivery (the oracle). */
async function sdkAccepts(request: WebhookRequest): Promise<boolean> {
  try {
    await receiver.receive(request.body, request.headers.get('authorization') ?? undefined)
    return true
  } catch {
    return false
  }
}

const withHeaders = (request: WebhookRequest, change: (headers: Headers) => void): WebhookRequest => {
  const headers = new Headers(request.headers)
  change(headers)
  return { ...request, headers }
}

/** An HS256 JWT made here with node:crypto, to shape claims the SDK cannot (no `exp`, Go's `iat`). */
function handSigned(claims: Record<string, unknown>, secret = apiSecret): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`
}

/** An SDK-signed token minted `secondsAgo` ago (the SDK reads the clock; it is moved back for the mint). */
async function mintedAgo(body: string, secondsAgo: number): Promise<string> {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(Date.now() - secondsAgo * 1000)
  try {
    return await signWebhookBody(body, apiKey, apiSecret)
  } finally {
    vi.useRealTimers()
  }
}

const roomStartedBody = sampleEvents().room_started!.toJsonString()

describe('verify: as LiveKit signs deliveries', () => {
  it('accepts every event the SDK signs as LiveKit does, and the SDK receiver accepts the same deliveries', async () => {
    for (const [name, event] of Object.entries(sampleEvents())) {
      const request = await signedDelivery(event.toJsonString(), apiKey, apiSecret)
      expect(await webhook.verify(request), name).toBe(true)
      expect(await sdkAccepts(request), name).toBe(true)
    }
  })

  it("accepts a delivery signed in the test with the claims LiveKit's Go AccessToken writes (iss, iat, nbf, exp = now + 5 min, sha256), as the SDK receiver does", async () => {
    const now = Math.floor(Date.now() / 1000)
    const token = handSigned({ sha256: bodySha256(roomStartedBody), iss: apiKey, exp: now + 300, nbf: now, iat: now })
    const request: WebhookRequest = {
      url: WEBHOOK_URL,
      method: 'POST',
      headers: new Headers({ authorization: token, 'content-type': 'application/webhook+json' }),
      body: roomStartedBody,
    }
    expect(await sdkAccepts(request)).toBe(true)
    expect(await webhook.verify(request)).toBe(true)
  })

  it('accepts the verified vector of reference/vendors.md §6.3 at t = 1700000100 and refuses it with a space added', async () => {
    const body = '{"event":"participant_joined","room":{"name":"room1"},"participant":{"identity":"alice"},"id":"EV_1","createdAt":"1700000000"}'
    const token = handSigned({ sha256: 'ILBvc2c8g21SW7uM8oWuoSVjEHRS0lxj88bYN2GUvBg=', iss: apiKey, nbf: 1_700_000_000, exp: 1_700_000_300 })
    const request: WebhookRequest = { url: WEBHOOK_URL, method: 'POST', headers: new Headers({ authorization: token }), body }
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(1_700_000_100_000)
    expect(await sdkAccepts(request)).toBe(true)
    expect(await webhook.verify(request)).toBe(true)
    expect(await webhook.verify({ ...request, body: `${body} ` })).toBe(false)
    vi.useRealTimers()
    expect(await webhook.verify(request)).toBe(false)
    expect(await webhook.parse(request)).toEqual([
      {
        id: 'EV_1',
        provider: 'livekit',
        type: 'participant-joined',
        room: { providerRoomId: 'room1', name: 'room1' },
        participant: { identity: 'alice' },
        occurredAt: '2023-11-14T22:13:20.000Z',
        raw: JSON.parse(body),
      },
    ])
  })

  it('hashes the UTF-8 bytes of the body: a unicode body verifies, and a unicode character changed does not', async () => {
    const body = sampleEvents().participant_joined!.toJsonString()
    expect(body).toContain('Ümlaut')
    const request = await signedDelivery(body, apiKey, apiSecret)
    expect(await webhook.verify(request)).toBe(true)
    expect(await webhook.verify({ ...request, body: body.replace('Ü', 'U') })).toBe(false)
  })

  const refusals: Array<[string, () => Promise<WebhookRequest>]> = [
    ['signed with another secret', async () => signedDelivery(roomStartedBody, apiKey, 'forged-secret-0123456789abcdefXYZ')],
    ['signed by another API key (iss)', async () => signedDelivery(roomStartedBody, 'APIsomeoneelse', apiSecret)],
    ['with a space added to the body', async () => ({ ...(await signedDelivery(roomStartedBody, apiKey, apiSecret)), body: `${roomStartedBody} ` })],
    ['with a body of another event', async () => ({ ...(await signedDelivery(roomStartedBody, apiKey, apiSecret)), body: sampleEvents().room_finished!.toJsonString() })],
    ['without Authorization', async () => withHeaders(await signedDelivery(roomStartedBody, apiKey, apiSecret), (headers) => headers.delete('authorization'))],
    ['with an empty Authorization', async () => withHeaders(await signedDelivery(roomStartedBody, apiKey, apiSecret), (headers) => headers.set('authorization', ''))],
    [
      'with a token that expired 5 minutes ago (minted 10 minutes ago, valid 5)',
      async () => {
        const token = await mintedAgo(roomStartedBody, 600)
        return withHeaders(await signedDelivery(roomStartedBody, apiKey, apiSecret), (headers) => headers.set('authorization', token))
      },
    ],
    [
      'with a token without sha256',
      async () => {
        const token = await new AccessToken(apiKey, apiSecret, { ttl: '5m' }).toJwt()
        return withHeaders(await signedDelivery(roomStartedBody, apiKey, apiSecret), (headers) => headers.set('authorization', token))
      },
    ],
    [
      'with a token without exp',
      async () => {
        const token = handSigned({ sha256: bodySha256(roomStartedBody), iss: apiKey, nbf: Math.floor(Date.now() / 1000) })
        return withHeaders(await signedDelivery(roomStartedBody, apiKey, apiSecret), (headers) => headers.set('authorization', token))
      },
    ],
    [
      'with the token after "Bearer "',
      async () => withHeaders(await signedDelivery(roomStartedBody, apiKey, apiSecret), (headers) => headers.set('authorization', `Bearer ${headers.get('authorization')}`)),
    ],
  ]

  it.each(refusals)('refuses a delivery %s, as the SDK receiver does', async (_case, make) => {
    const request = await make()
    expect(await sdkAccepts(request)).toBe(false)
    expect(await webhook.verify(request)).toBe(false)
  })

  it('tolerates 10 seconds of clock skew on exp, as the SDK receiver does', async () => {
    const token = await mintedAgo(roomStartedBody, 300 + 5)
    const request = withHeaders(await signedDelivery(roomStartedBody, apiKey, apiSecret), (headers) => headers.set('authorization', token))
    expect(await sdkAccepts(request)).toBe(true)
    expect(await webhook.verify(request)).toBe(true)
  })

  it('refuses a method other than POST', async () => {
    const request = await signedDelivery(roomStartedBody, apiKey, apiSecret)
    expect(await webhook.verify({ ...request, method: 'GET' })).toBe(false)
  })

  it('agrees with the SDK receiver on generated events and bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          identity: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
          name: fc.string({ maxLength: 40, unit: 'grapheme' }),
          room: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
        }),
        fc.boolean(),
        async ({ identity, name, room }, tamper) => {
          const body = webhookEvent('participant_joined', {
            id: 'EV_generated',
            createdAt: BigInt(sample.createdAt),
            room: new Room({ sid: 'RM_generated', name: room }),
            participant: new ParticipantInfo({ sid: 'PA_generated', identity, name }),
          }).toJsonString()
          const signed = await signedDelivery(body, apiKey, apiSecret)
          const request = tamper ? { ...signed, body: body.replace('EV_generated', 'EV_generatee') } : signed
          const verified = await webhook.verify(request)
          expect(verified).toBe(await sdkAccepts(request))
          expect(verified).toBe(!tamper)
          if (!verified) return
          const [event] = await webhook.parse(request)
          const oracle = await receiver.receive(request.body, request.headers.get('authorization') ?? undefined)
          expect(event).toMatchObject({ type: 'participant-joined', id: oracle.id, participant: { identity: oracle.participant?.identity } })
          expect(event?.type === 'participant-joined' && event.participant.name).toBe(oracle.participant?.name || undefined)
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe('parse: LiveKit events normalized', () => {
  const parseOne = async (body: string): Promise<CallportWebhookEvent> => {
    const events = await webhook.parse(await signedDelivery(body, apiKey, apiSecret))
    expect(events).toHaveLength(1)
    return events[0]!
  }
  const events = sampleEvents()
  const room = { providerRoomId: sample.room.sid, name: sample.room.name }
  const participant = { identity: sample.participant.identity, providerParticipantId: sample.participant.sid, name: sample.participant.name }
  const common = (name: string) => {
    const event = events[name]!
    return { id: event.id, provider: 'livekit', occurredAt: new Date(Number(event.createdAt) * 1000).toISOString() }
  }

  it.each([
    ['room_started', { type: 'room-started', room }],
    ['room_finished', { type: 'room-ended', room }],
    ['participant_joined', { type: 'participant-joined', room, participant }],
    ['participant_left', { type: 'participant-left', room, participant, reason: 'CLIENT_INITIATED' }],
    ['track_published', { type: 'track-published', room, participant, track: { id: sample.track.sid, kind: 'video' } }],
    ['track_unpublished', { type: 'track-unpublished', room, participant, track: { id: 'TR_audio123', kind: 'audio' } }],
    ['egress_started', { type: 'recording-started', room, recording: { id: sample.egress.egressId, status: 'started' } }],
    ['egress_ended', { type: 'recording-ended', room, recording: { id: sample.egress.egressId, status: 'completed', url: sample.egress.location } }],
    ['egress_updated', { type: 'provider-event', name: 'egress_updated', room }],
    ['participant_connection_aborted', { type: 'provider-event', name: 'participant_connection_aborted', room }],
  ] as const)('normalizes %s', async (name, expected) => {
    const body = events[name]!.toJsonString()
    const event = await parseOne(body)
    expect(event).toEqual({ ...common(name), ...expected, raw: JSON.parse(body) })
  })

  it.each([
    [EgressStatus.EGRESS_FAILED, 'failed'],
    [EgressStatus.EGRESS_ABORTED, 'failed'],
    [EgressStatus.EGRESS_LIMIT_REACHED, 'completed'],
    [EgressStatus.EGRESS_COMPLETE, 'completed'],
  ] as const)('an egress_ended with status %s is a recording %s', async (status, expected) => {
    const body = webhookEvent('egress_ended', {
      id: 'EV_egress',
      egressInfo: new EgressInfo({ egressId: 'EG_1', roomId: 'RM_1', roomName: 'standup', status }),
    }).toJsonString()
    expect(await parseOne(body)).toMatchObject({ type: 'recording-ended', room: { providerRoomId: 'RM_1', name: 'standup' }, recording: { id: 'EG_1', status: expected } })
  })

  it('tolerates fields Callport does not read, at every level', async () => {
    const body = JSON.parse(events.track_published!.toJsonString()) as Record<string, Record<string, unknown>>
    const extended = JSON.stringify({
      ...body,
      futureField: { a: [1] },
      room: { ...body.room, futureRoomField: true },
      track: { ...body.track, layers: [{ quality: 'HIGH' }] },
    })
    expect(await parseOne(extended)).toMatchObject({ type: 'track-published', track: { id: sample.track.sid, kind: 'video' } })
  })

  it('names no room that is not a Callport room name, but keeps its sid', async () => {
    const body = webhookEvent('room_started', { id: 'EV_odd', room: new Room({ sid: 'RM_odd', name: 'a/b?c' }) }).toJsonString()
    const event = await parseOne(body)
    expect(event.room).toEqual({ providerRoomId: 'RM_odd' })
  })

  it('gives a body without an id a stable id of its own, different for another body', async () => {
    const without = (name: string) => webhookEvent('room_started', { room: new Room({ sid: 'RM_x', name }) }).toJsonString()
    const first = await parseOne(without('one'))
    expect(first.id).toMatch(/^livekit-[0-9a-f]{40}$/)
    expect((await parseOne(without('one'))).id).toBe(first.id)
    expect((await parseOne(without('two'))).id).not.toBe(first.id)
  })

  it('reads occurredAt from createdAt (seconds), now when it is missing', async () => {
    const before = Date.now()
    const event = await parseOne(webhookEvent('room_started', { id: 'EV_t', room: new Room({ sid: 'RM_t', name: 't' }) }).toJsonString())
    expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(before - 1000)
  })

  it('refuses a body that is not JSON or names no event, with INVALID_INPUT', async () => {
    for (const body of ['not json', '{}', '{"event":""}', '[]', '{"event":"room_started","room":"RM_1"}']) {
      const failure = await Promise.resolve(webhook.parse({ ...(await signedDelivery(body, apiKey, apiSecret)) })).catch((error: unknown) => error)
      expect(CallportError.isInstance(failure) && failure.code, body).toBe('INVALID_INPUT')
    }
  })
})

describe('webhooks through createCallServer', () => {
  function callServer() {
    const calls = createCallServer({ providers: [adapter], authorize: async () => ({ identity: 'alice' }), basePath: '/calls' })
    const received: CallportWebhookEvent[] = []
    calls.on('webhook', (event) => received.push(event))
    return { calls, received }
  }
  const post = (request: WebhookRequest): Request => new Request(request.url, { method: 'POST', headers: request.headers, body: request.body })

  it('answers 204, emits each event once by its LiveKit id, also when LiveKit retries with a fresh token', async () => {
    const { calls, received } = callServer()
    const events = Object.values(sampleEvents())
    for (const event of events) {
      const body = event.toJsonString()
      expect((await calls.fetch(post(await signedDelivery(body, apiKey, apiSecret)))).status).toBe(204)
      // A retry: the same body, signed again.
      expect((await calls.fetch(post(await signedDelivery(body, apiKey, apiSecret)))).status).toBe(204)
    }
    expect(received.map((event) => event.id)).toEqual(events.map((event) => event.id))
  })

  it('emits two events with the same content and different ids', async () => {
    const { calls, received } = callServer()
    for (const id of ['EV_first', 'EV_second']) {
      const body = webhookEvent('room_started', { id, room: new Room({ sid: 'RM_same', name: 'same' }) }).toJsonString()
      expect((await calls.fetch(post(await signedDelivery(body, apiKey, apiSecret)))).status).toBe(204)
    }
    expect(received.map((event) => event.id)).toEqual(['EV_first', 'EV_second'])
  })

  it('answers 403 to a forged delivery and emits nothing', async () => {
    const { calls, received } = callServer()
    const forged = await signedDelivery(roomStartedBody, apiKey, 'forged-secret-0123456789abcdefXYZ')
    const response = await calls.fetch(post(forged))
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ code: 'FORBIDDEN', provider: 'livekit' })
    expect(received).toEqual([])
  })
})

describe('room_finished through createCallServer, on a room it placed on LiveKit', () => {
  const fake = new FakeLiveKit(apiKey, apiSecret)
  beforeAll(() => fake.start())
  afterAll(() => fake.stop())

  it("ends the room's record when LiveKit reports that very room (its sid) finished, and only then", async () => {
    const store = createMemoryRoomStore()
    const calls = createCallServer({
      providers: [livekit({ apiKey, apiSecret, url: fake.url, retry: { limit: 0 }, environmentVariables: {} })],
      roomStore: store,
      basePath: '/calls',
      authorize: async () => ({ identity: 'alice' }),
    })
    const ended: CallportWebhookEvent[] = []
    calls.on('room-ended', (event) => ended.push(event))
    await calls.join({ room: 'standup', participant: { identity: 'alice', role: 'publisher' } })
    const sid = fake.rooms.get('standup')?.sid
    expect(sid).toBeDefined()
    expect(await store.get('standup')).toMatchObject({ provider: 'livekit', providerRoomId: sid })

    const finished = (id: string, roomSid: string) => webhookEvent('room_finished', { id, room: new Room({ sid: roomSid, name: 'standup' }) }).toJsonString()
    const deliver = async (body: string) => {
      const request = await signedDelivery(body, apiKey, apiSecret)
      return calls.fetch(new Request(request.url, { method: 'POST', headers: request.headers, body }))
    }
    // An earlier room of the same name finishing leaves the live one recorded.
    expect((await deliver(finished('EV_old', 'RM_earlier'))).status).toBe(204)
    expect(await store.get('standup')).toBeDefined()
    expect((await deliver(finished('EV_now', sid!))).status).toBe(204)
    expect(await store.get('standup')).toBeUndefined()
    expect(ended.map((event) => event.room)).toEqual([
      { providerRoomId: 'RM_earlier', name: 'standup' },
      { providerRoomId: sid, name: 'standup' },
    ])
  })
})
