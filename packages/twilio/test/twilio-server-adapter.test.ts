import { CallportError } from '@callport/core'
import { createCallServer } from '@callport/server'
import { memory } from '@callport/testkit/memory'
import { HttpResponse } from 'msw'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import internalError from './fixtures/error-internal.json'
import participantsPage from './fixtures/participants-page.json'
import roomNameInvalid from './fixtures/error-room-name-invalid.json'
import tooManyRequests from './fixtures/error-too-many-requests.json'
import { json } from './fake-twilio-rest'
import { rejection } from './rejection'
import { createTwilioHarness, credentials, mswServer } from './twilio-harness'

beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }))
afterEach(() => mswServer.resetHandlers())
afterAll(() => mswServer.close())

const basic = `Basic ${Buffer.from(`${credentials.apiKeySid}:${credentials.apiKeySecret}`).toString('base64')}`

describe('ensureRoom', () => {
  it('creates the room by UniqueName with a form-encoded POST, Basic auth with the API key, and a status callback', async () => {
    const { adapter, rest, cloud } = createTwilioHarness({
      statusCallbackUrl: 'https://calls.example.com/calls/webhooks/twilio',
      room: { maxParticipants: 4, emptyRoomTimeout: 2 },
    })
    const room = await adapter.ensureRoom({ name: 'standup' })
    const [request] = rest.requests
    expect(request).toEqual({
      method: 'POST',
      path: '/v1/Rooms',
      parameters: {
        UniqueName: 'standup',
        StatusCallback: 'https://calls.example.com/calls/webhooks/twilio',
        StatusCallbackMethod: 'POST',
        MaxParticipants: '4',
        EmptyRoomTimeout: '2',
      },
      authorization: basic,
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    })
    const created = cloud.find('standup')!
    expect(room).toEqual({ name: 'standup', provider: 'twilio', providerRoomId: created.json.sid, createdAt: new Date(created.json.date_created).toISOString() })
    expect(created.json.status_callback).toBe('https://calls.example.com/calls/webhooks/twilio')
  })

  it('sends no StatusCallback when none is configured', async () => {
    const { adapter, rest } = createTwilioHarness()
    await adapter.ensureRoom({ name: 'quiet' })
    expect(rest.requests[0]?.parameters).toEqual({ UniqueName: 'quiet' })
  })

  it('on 53113 "room exists" fetches the in-progress room by UniqueName', async () => {
    const { adapter, rest, cloud } = createTwilioHarness()
    const existing = cloud.createRoom('standup')
    const room = await adapter.ensureRoom({ name: 'standup' })
    expect(room.providerRoomId).toBe(existing.json.sid)
    expect(rest.requests.map(({ method, path }) => `${method} ${path}`)).toEqual(['POST /v1/Rooms', 'GET /v1/Rooms/standup'])
  })

  it('creates the room again when it ended between "room exists" and the fetch', async () => {
    const { adapter, rest, cloud } = createTwilioHarness()
    const ended = cloud.createRoom('standup')
    rest.script('GET /v1/Rooms/standup', () => {
      cloud.completeRoom(ended)
      return json({ code: 20404, message: 'The requested resource /v1/Rooms/standup was not found', more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 }, 404)
    })
    const room = await adapter.ensureRoom({ name: 'standup' })
    expect(room.providerRoomId).not.toBe(ended.json.sid)
    expect(cloud.find('standup')?.json.sid).toBe(room.providerRoomId)
  })

  it('sends VideoCodecs once per codec (the key repeated, as twilio-node sends it), and booleans as true or false', async () => {
    const { adapter, rest } = createTwilioHarness({ room: { videoCodecs: ['VP8', 'H264'], audioOnly: false, recordParticipantsOnConnect: true } })
    await adapter.ensureRoom({ name: 'codecs' })
    expect(rest.requests[0]?.parameters).toEqual({ UniqueName: 'codecs', VideoCodecs: ['VP8', 'H264'], AudioOnly: 'false', RecordParticipantsOnConnect: 'true' })
  })

  it("53119, the account's quota of concurrent rooms, is RATE_LIMITED and retryable: createCallServer fails the room over", async () => {
    const { adapter, rest } = createTwilioHarness()
    const quota = () => json({ code: 53119, message: 'Maximum number of concurrent rooms reached', more_info: 'https://www.twilio.com/docs/errors/53119', status: 400 }, 400)
    // Each ensureRoom sends the POST three times (retries of a retryable failure), all refused.
    rest.script('POST /v1/Rooms', ...Array.from({ length: 6 }, () => quota))
    const error = await rejection(adapter.ensureRoom({ name: 'standup' }))
    expect(rest.requests).toHaveLength(3)
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true, provider: 'twilio', details: { twilioCode: 53119 }, vendor: { status: 400 } })
    expect(error.message).toContain('(Twilio error 53119)')
    const calls = createCallServer({ providers: [adapter, memory()], authorize: async () => ({ identity: 'alice' }) })
    const { room } = await calls.join({ room: 'standup', participant: { identity: 'alice' } })
    expect(room.provider).toBe('memory')
  })

  it('encodes the room name in the path', async () => {
    const { adapter, rest, cloud } = createTwilioHarness()
    cloud.createRoom('Réunion.1~a')
    await adapter.ensureRoom({ name: 'Réunion.1~a' })
    expect(rest.requests[1]?.path).toBe('/v1/Rooms/R%C3%A9union.1~a')
  })
})

describe('getRoom, listParticipants, removeParticipant, closeRoom', () => {
  it('getRoom: the in-progress room, null for none and once completed', async () => {
    const { adapter } = createTwilioHarness()
    expect(await adapter.getRoom!({ name: 'nobody' })).toBeNull()
    const room = await adapter.ensureRoom({ name: 'standup' })
    expect(await adapter.getRoom!({ name: 'standup' })).toEqual(room)
    await adapter.closeRoom!({ room })
    expect(await adapter.getRoom!({ name: 'standup' })).toBeNull()
  })

  it('listParticipants asks for Status=connected and follows next_page_url over every page', async () => {
    const { adapter, rest, cloud } = createTwilioHarness()
    const room = await adapter.ensureRoom({ name: 'crowd' })
    const identities = Array.from({ length: 120 }, (_, index) => `person-${index}`)
    for (const identity of identities) cloud.join('crowd', identity, undefined)
    const listed = await adapter.listParticipants!({ room })
    expect(listed.map((participant) => participant.identity)).toEqual(identities)
    expect(listed[0]).toEqual({ identity: 'person-0', role: 'publisher', providerParticipantId: cloud.find('crowd')!.participants.get('person-0')!.json.sid })
    const listings = rest.requests.filter((request) => request.path.endsWith('/Participants'))
    expect(listings.map((request) => request.parameters.Page ?? '0')).toEqual(['0', '1', '2'])
    expect(listings.every((request) => request.parameters.Status === 'connected' && request.authorization === basic)).toBe(true)
  })

  it("removeParticipant posts Status=disconnected, and the participant's twilio-video Room ends", async () => {
    const { adapter, rest, video } = createTwilioHarness()
    const room = await adapter.ensureRoom({ name: 'standup' })
    const token = await adapter.issueToken({ room, participant: { identity: 'bob', role: 'publisher' }, ttlSeconds: 600 })
    const connected = await video.connect(token.value, { name: 'standup', audio: false, video: false })
    await adapter.removeParticipant!({ room, identity: 'bob' })
    expect(rest.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v1/Rooms/${room.providerRoomId}/Participants/bob`, parameters: { Status: 'disconnected' } })
    expect(connected.state).toBe('disconnected')
    expect(await adapter.listParticipants!({ room })).toEqual([])
  })

  it("removeParticipant of someone absent is PARTICIPANT_NOT_FOUND with Twilio's 404 body", async () => {
    const { adapter } = createTwilioHarness()
    const room = await adapter.ensureRoom({ name: 'standup' })
    const error = await rejection(adapter.removeParticipant!({ room, identity: 'ghost' }))
    expect(error).toMatchObject({ code: 'PARTICIPANT_NOT_FOUND', retryable: false, provider: 'twilio' })
    expect(error.vendor).toMatchObject({ status: 404, body: { code: 20404, status: 404, more_info: 'https://www.twilio.com/docs/errors/20404' } })
  })

  it('closeRoom posts Status=completed, which disconnects everyone with 53118', async () => {
    const { adapter, rest, video } = createTwilioHarness()
    const room = await adapter.ensureRoom({ name: 'standup' })
    const token = await adapter.issueToken({ room, participant: { identity: 'bob', role: 'publisher' }, ttlSeconds: 600 })
    const connected = await video.connect(token.value, { name: 'standup', audio: false, video: false })
    const ended = new Promise((resolve) => connected.once('disconnected', (_room, error) => resolve(error)))
    await adapter.closeRoom!({ room })
    expect(rest.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v1/Rooms/${room.providerRoomId}`, parameters: { Status: 'completed' } })
    expect(await ended).toMatchObject({ code: 53118 })
  })

  it('closeRoom of a room that already ended succeeds: Twilio answers 53112 "room is not in progress"', async () => {
    const { adapter, rest } = createTwilioHarness()
    const room = await adapter.ensureRoom({ name: 'standup' })
    await adapter.closeRoom!({ room })
    await expect(adapter.closeRoom!({ room })).resolves.toBeUndefined()
    expect(rest.requests.filter(({ path }) => path === `/v1/Rooms/${room.providerRoomId}`)).toHaveLength(2)
    rest.script(`POST /v1/Rooms/${room.providerRoomId}`, () =>
      json({ code: 53111, message: 'StatusCallback is invalid', more_info: 'https://www.twilio.com/docs/errors/53111', status: 400 }, 400),
    )
    expect(await rejection(adapter.closeRoom!({ room }))).toMatchObject({ code: 'INVALID_INPUT', details: { twilioCode: 53111 } })
  })

  it('follows no next_page_url on another origin: the API key is sent only to the API', async () => {
    const { adapter, rest } = createTwilioHarness()
    const room = await adapter.ensureRoom({ name: 'standup' })
    const elsewhere = 'https://video.twilio.example/v1/Rooms/x/Participants?Page=1'
    rest.script(`GET /v1/Rooms/${room.providerRoomId}/Participants`, () => json({ ...participantsPage, meta: { ...participantsPage.meta, next_page_url: elsewhere } }))
    expect(await rejection(adapter.listParticipants!({ room }))).toMatchObject({ code: 'PROVIDER_REJECTED', provider: 'twilio' })
  })

  it('closeRoom of an unknown room is ROOM_NOT_FOUND', async () => {
    const { adapter } = createTwilioHarness()
    const error = await rejection(adapter.closeRoom!({ room: { name: 'gone', provider: 'twilio', providerRoomId: `RM${'9'.repeat(32)}` } }))
    expect(error.code).toBe('ROOM_NOT_FOUND')
  })
})

describe('REST failures', () => {
  it("wrong API key: PROVIDER_REJECTED, not retried, with Twilio's error JSON kept", async () => {
    const { adapter, rest } = createTwilioHarness({ apiKeySecret: 'not-the-secret' })
    const error = await rejection(adapter.ensureRoom({ name: 'standup' }))
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false, provider: 'twilio' })
    expect(error.vendor).toMatchObject({ status: 401, body: { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 } })
    expect(error.details).toEqual({ twilioCode: 20003, moreInfo: 'https://www.twilio.com/docs/errors/20003' })
    expect(rest.requests).toHaveLength(1)
  })

  it('429 is retried, then RATE_LIMITED and retryable, keeping status, body and headers', async () => {
    const { adapter, rest } = createTwilioHarness()
    const limited = () => json(tooManyRequests, 429, { 'retry-after': '0' })
    rest.script('POST /v1/Rooms', limited, limited, limited)
    const error = await rejection(adapter.ensureRoom({ name: 'standup' }))
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true })
    expect(error.vendor).toMatchObject({ status: 429, body: tooManyRequests, headers: { 'retry-after': '0' } })
    expect(rest.requests).toHaveLength(3)
  })

  it('a 5xx is retried and succeeds when Twilio recovers', async () => {
    const { adapter, rest } = createTwilioHarness()
    rest.script('POST /v1/Rooms', () => json(internalError, 500))
    const room = await adapter.ensureRoom({ name: 'standup' })
    expect(room.providerRoomId).toMatch(/^RM[0-9a-f]{32}$/)
    expect(rest.requests).toHaveLength(2)
  })

  it('a 5xx that lasts is PROVIDER_UNAVAILABLE and retryable (so createCallServer may fail over)', async () => {
    const { adapter, rest } = createTwilioHarness()
    const failing = () => json(internalError, 503)
    rest.script('GET /v1/Rooms/standup', failing, failing, failing)
    const error = await rejection(adapter.getRoom!({ name: 'standup' }))
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, vendor: { status: 503, body: internalError } })
  })

  it('a documented Twilio code decides a 4xx: 53100 is INVALID_INPUT', async () => {
    const { adapter, rest } = createTwilioHarness()
    rest.script('POST /v1/Rooms', () => json(roomNameInvalid, 400))
    const error = await rejection(adapter.ensureRoom({ name: 'standup' }))
    expect(error).toMatchObject({ code: 'INVALID_INPUT', retryable: false, vendor: { status: 400, body: roomNameInvalid } })
    expect(error.message).toContain('Room name is invalid (Twilio error 53100)')
  })

  it('a body that is not a Twilio room is PROVIDER_REJECTED', async () => {
    const { adapter, rest } = createTwilioHarness()
    rest.script('POST /v1/Rooms', () => json({ sid: 'not-a-room-sid' }, 201))
    const error = await rejection(adapter.ensureRoom({ name: 'standup' }))
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', vendor: { status: 201, body: { sid: 'not-a-room-sid' } } })
  })

  it('a network failure is PROVIDER_UNAVAILABLE and retryable, after the retries', async () => {
    const { adapter, rest } = createTwilioHarness()
    const down = () => HttpResponse.error()
    rest.script('POST /v1/Rooms', down, down, down)
    const error = await rejection(adapter.ensureRoom({ name: 'standup' }))
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
    expect(rest.requests).toHaveLength(3)
  })

  it('a request that takes longer than the timeout is PROVIDER_UNAVAILABLE', async () => {
    const { adapter, rest } = createTwilioHarness({ timeout: 50, retry: { limit: 0 } })
    rest.script('POST /v1/Rooms', () => new Promise<Response>(() => undefined))
    const error = await rejection(adapter.ensureRoom({ name: 'standup' }))
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
    expect(error.message).toMatch(/Twilio did not answer within 50 ms while creating the room standup/)
  })

  it('an abort during a request is ABORTED', async () => {
    const { adapter, rest } = createTwilioHarness()
    const controller = new AbortController()
    rest.script('POST /v1/Rooms', () => {
      controller.abort()
      return new Promise<Response>(() => undefined)
    })
    const error = await rejection(adapter.ensureRoom({ name: 'standup', signal: controller.signal }))
    expect(error.code).toBe('ABORTED')
  })

  it('errors are CallportErrors from any copy of core', async () => {
    const { adapter } = createTwilioHarness({ apiKeySecret: 'wrong' })
    const failure = await adapter.ensureRoom({ name: 'standup' }).catch((error: unknown) => error)
    expect(CallportError.isInstance(failure)).toBe(true)
  })
})
