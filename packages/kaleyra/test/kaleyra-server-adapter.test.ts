import { TokenSchema, type Participant, type Room, type Token } from '@callport/core'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { kaleyra, type KaleyraSettings } from '../src/server/index'
import { createFakeKaleyraApi, json, type FakeKaleyraApi } from './fake-kaleyra-api'
import badExpiresIn from './fixtures/bad-expires-in.json'
import rateLimited from './fixtures/rate-limited.json'
import serverError from './fixtures/server-error.json'
import unauthorizedBadApiKey from './fixtures/unauthorized-bad-apikey.json'
import unauthorizedMissingApiKey from './fixtures/unauthorized-missing-apikey.json'
import userNotFound from './fixtures/user-not-found.json'
import { rejection } from './rejection'

const baseUrl = 'https://api.sandbox.eu.bandyer.com'
const apiKey = 'ak_test_secret_1234'
const settings: KaleyraSettings = {
  apiKey,
  appId: 'wAppId_test123',
  region: 'eu',
  environment: 'sandbox',
  retry: { initialDelay: 20, maximumDelay: 2000 },
}
const alice: Participant = { identity: 'alice', role: 'publisher' }
const bob: Participant = { identity: 'bob.smith_2', role: 'moderator' }
const CREDENTIALS = '/rest/sdk/credentials'
const CREATE_ROOM = '/rest/room/create'

const server = setupServer()
let api: FakeKaleyraApi

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => {
  api = createFakeKaleyraApi({ baseUrl, apiKey })
  server.use(...api.handlers)
})
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

async function tokenFor(participant: Participant, roomName = 'standup', ttlSeconds = 600, adapter = kaleyra(settings)) {
  const room = await adapter.ensureRoom({ name: roomName })
  return adapter.issueToken({ room, participant, ttlSeconds })
}

describe('issueToken', () => {
  it('POSTs {user_id, expires_in} with the apikey header and turns the answer into a Token', async () => {
    const before = Date.now()
    const token = TokenSchema.parse(await tokenFor(alice, 'standup', 900))
    const [request] = api.requestsTo(CREDENTIALS)
    expect(request).toEqual({ path: CREDENTIALS, apiKey, body: { user_id: 'alice', expires_in: 900 } })
    expect(token).toMatchObject({ provider: 'kaleyra', room: 'standup', identity: 'alice' })
    expect(token.providerRoomId).toMatch(/^room_/)
    expect(token.value.split('.')).toHaveLength(3)
    expect(Date.parse(token.expiresAt)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000)
    expect(Date.parse(token.expiresAt)).toBeLessThanOrEqual(Date.now() + 900_000)
  })

  it('gives the browser the widget parameters and the user join link, never the API key', async () => {
    const token = await tokenFor(bob)
    expect(token.connect).toMatchObject({ appId: 'wAppId_test123', region: 'eu', environment: 'sandbox', isAdmin: true, role: 'moderator' })
    expect(token.connect.roomUrl).toMatch(/^https:\/\/sandbox\.bandyer\.com\/eu\/direct-rest-call-handler\//)
    expect(JSON.stringify(token)).not.toContain(apiKey)
  })

  it('in the sandbox the token says region eu whatever region was set (the sandbox exists in eu only), and REST goes to the eu sandbox', async () => {
    const token = await tokenFor(bob, 'standup', 600, kaleyra({ ...settings, region: 'us' }))
    expect(token.connect).toMatchObject({ region: 'eu', environment: 'sandbox' })
    expect(api.requestsTo(CREDENTIALS)).toHaveLength(1)
  })

  it.each(['has space', 'ünïcode', 'slash/user', 'x'.repeat(129), ''])('refuses the identity %j before any request', async (identity) => {
    const error = await rejection(tokenFor({ identity, role: 'publisher' }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(api.requests).toEqual([])
  })

  it('accepts an identity of 128 allowed characters', async () => {
    const identity = `A.b_c-9${'z'.repeat(121)}`
    expect((await tokenFor({ identity, role: 'publisher' })).identity).toBe(identity)
  })

  it.each([359, 86_401, 600.5, 0])('refuses ttlSeconds %d before any request', async (ttlSeconds) => {
    const error = await rejection(tokenFor(alice, 'standup', ttlSeconds))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('360')
    expect(api.requests).toEqual([])
  })

  it('accepts both bounds, 360 and 86400', async () => {
    await tokenFor(alice, 'low', 360)
    await tokenFor(alice, 'high', 86_400)
    expect(api.requestsTo(CREDENTIALS).map((request) => (request.body as { expires_in: number }).expires_in)).toEqual([360, 86_400])
  })

  it('declares the same bounds in its capabilities', () => {
    expect(kaleyra(settings).capabilities.tokenTtlSeconds).toEqual({ min: 360, max: 86_400 })
  })

  it('issues the token when Kaleyra answers with another spelling of the user id', async () => {
    api.script(CREDENTIALS, () => json({ access_token: 'a.b.c', expires_at: new Date(Date.now() + 600_000).toISOString(), user_id: 'ALICE' }))
    const token = await tokenFor(alice)
    expect(token).toMatchObject({ identity: 'alice', value: 'a.b.c' })
  })
})

/** What the call server does with a token (see IssueTokenOptions): records the id the token names, and hands that Room back on later joins. */
const recorded = (room: Room, token: Token): Room => ({ ...room, providerRoomId: token.providerRoomId })

describe('rooms', () => {
  it('ensureRoom makes no request and returns the placeholder pending:<name>, stable and distinct per name', async () => {
    const adapter = kaleyra(settings)
    const first = await adapter.ensureRoom({ name: 'Room-1' })
    expect(first).toEqual({ name: 'Room-1', provider: 'kaleyra', providerRoomId: 'pending:Room-1' })
    expect(await adapter.ensureRoom({ name: 'Room-1' })).toEqual(first)
    expect((await adapter.ensureRoom({ name: 'room-1' })).providerRoomId).toBe('pending:room-1')
    expect(api.requests).toEqual([])
  })

  it('the first token of a pending room creates the Kaleyra room with that participant and names it in providerRoomId', async () => {
    const adapter = kaleyra(settings)
    const room = await adapter.ensureRoom({ name: 'standup' })
    const token = await adapter.issueToken({ room, participant: alice, ttlSeconds: 600 })
    expect(api.requestsTo(CREATE_ROOM).map((request) => request.body)).toEqual([
      { participants: [{ user_id: 'alice', is_admin: false }], description: 'Callport room standup' },
    ])
    const [roomId] = [...api.rooms.keys()]
    expect(token.providerRoomId).toBe(roomId)
    expect(token.connect.kaleyraRoomId).toBe(roomId)
    expect(token.room).toBe('standup')
  })

  it('a later participant is added to the recorded Kaleyra room', async () => {
    const adapter = kaleyra(settings)
    const pending = await adapter.ensureRoom({ name: 'standup' })
    const first = await adapter.issueToken({ room: pending, participant: alice, ttlSeconds: 600 })
    const room = recorded(pending, first)
    const second = await adapter.issueToken({ room, participant: bob, ttlSeconds: 600 })
    expect(api.requestsTo(CREATE_ROOM)).toHaveLength(1)
    expect(api.requestsTo(`/rest/room/${room.providerRoomId}/participants/add`).map((request) => request.body)).toEqual([
      { participants: [{ user_id: 'bob.smith_2', is_admin: true }] },
    ])
    expect(second.providerRoomId).toBe(room.providerRoomId)
    expect(second.connect.kaleyraRoomId).toBe(room.providerRoomId)
    expect([...(api.rooms.get(room.providerRoomId) ?? [])]).toEqual(['alice', 'bob.smith_2'])
    expect(first.connect.roomUrl).not.toBe(second.connect.roomUrl)
  })

  it('a join of a live room by a member whose link this process has read costs exactly one request: the credentials', async () => {
    const adapter = kaleyra(settings)
    const pending = await adapter.ensureRoom({ name: 'standup' })
    const first = await adapter.issueToken({ room: pending, participant: alice, ttlSeconds: 600 })
    const room = recorded(pending, first)
    const before = api.requests.length
    const again = await adapter.issueToken({ room, participant: alice, ttlSeconds: 600 })
    expect(api.requests.slice(before).map((request) => request.path)).toEqual([CREDENTIALS])
    expect(again.connect.roomUrl).toBe(first.connect.roomUrl)
    expect(again.providerRoomId).toBe(room.providerRoomId)
  })

  it('in another process (a new adapter, stateless), a live room costs two requests: the credentials and an idempotent add that answers with the link', async () => {
    const pending = await kaleyra(settings).ensureRoom({ name: 'standup' })
    const room = recorded(pending, await kaleyra(settings).issueToken({ room: pending, participant: alice, ttlSeconds: 600 }))
    const other = kaleyra(settings)
    const before = api.requests.length
    const token = await other.issueToken({ room, participant: alice, ttlSeconds: 600 })
    expect(api.requests.slice(before).map((request) => request.path)).toEqual([CREDENTIALS, `/rest/room/${room.providerRoomId}/participants/add`])
    expect(token.connect.roomUrl).toMatch(/^https:/)
    expect(api.requestsTo(CREATE_ROOM)).toHaveLength(1)
    expect([...(api.rooms.get(room.providerRoomId) ?? [])]).toEqual(['alice'])
    // …and the link is remembered: the next join there costs the credentials only.
    const next = api.requests.length
    await other.issueToken({ room, participant: alice, ttlSeconds: 600 })
    expect(api.requests.slice(next).map((request) => request.path)).toEqual([CREDENTIALS])
  })

  it("two processes that both see a pending room create two Kaleyra rooms; the loser is issued again for the winner (the call server's compare-and-set)", async () => {
    const [a, b] = [kaleyra(settings), kaleyra(settings)]
    const pending = await a.ensureRoom({ name: 'rush' })
    const [won, lost] = await Promise.all([
      a.issueToken({ room: pending, participant: alice, ttlSeconds: 600 }),
      b.issueToken({ room: pending, participant: bob, ttlSeconds: 600 }),
    ])
    expect(won.providerRoomId).not.toBe(lost.providerRoomId)
    const again = await b.issueToken({ room: recorded(pending, won), participant: bob, ttlSeconds: 600 })
    expect(again.providerRoomId).toBe(won.providerRoomId)
    expect([...(api.rooms.get(won.providerRoomId) ?? [])]).toEqual(['alice', 'bob.smith_2'])
  })

  it('creates one Kaleyra room when the first tokens of a room are issued concurrently in one process', async () => {
    const adapter = kaleyra(settings)
    const room = await adapter.ensureRoom({ name: 'rush' })
    const people = ['p1', 'p2'].map((identity): Participant => ({ identity, role: 'publisher' }))
    const tokens = await Promise.all(people.map((participant) => adapter.issueToken({ room, participant, ttlSeconds: 600 })))
    expect(api.requestsTo(CREATE_ROOM)).toHaveLength(1)
    expect(new Set(tokens.map((token) => token.providerRoomId)).size).toBe(1)
    expect(tokens.every((token) => typeof token.connect.roomUrl === 'string')).toBe(true)
  })

  it('keeps distinct rooms apart', async () => {
    const adapter = kaleyra(settings)
    const a = await tokenFor(alice, 'Room-1', 600, adapter)
    const b = await tokenFor(alice, 'room-1', 600, adapter)
    expect(a.providerRoomId).not.toBe(b.providerRoomId)
    expect(a.connect.kaleyraRoomId).not.toBe(b.connect.kaleyraRoomId)
  })

  it('a Kaleyra room that is gone (404 on add): ROOM_NOT_FOUND, so the call server makes the room again', async () => {
    const room: Room = { name: 'standup', provider: 'kaleyra', providerRoomId: 'room_forgotten' }
    const error = await rejection(kaleyra(settings).issueToken({ room, participant: alice, ttlSeconds: 600 }))
    expect(error).toMatchObject({ code: 'ROOM_NOT_FOUND', vendor: { status: 404 } })
  })

  it('a credentials failure creates no Kaleyra room', async () => {
    api.script(CREDENTIALS, () => json(userNotFound, 404))
    await rejection(tokenFor(alice))
    expect(api.requestsTo(CREATE_ROOM)).toEqual([])
  })
})

describe('at most two participants', () => {
  it('declares maximumParticipants: 2 through defineServerAdapter', () => {
    expect(kaleyra(settings).capabilities).toEqual({
      getRoom: false,
      listParticipants: false,
      removeParticipant: false,
      closeRoom: false,
      muteParticipant: false,
      webhooks: false,
      tokenTtlSeconds: { min: 360, max: 86_400 },
      maximumParticipants: 2,
    })
  })

  it('refuses a third participant of a room whose two members this process knows with ROOM_FULL (409), before any request', async () => {
    const adapter = kaleyra(settings)
    const pending = await adapter.ensureRoom({ name: 'visit' })
    const room = recorded(pending, await adapter.issueToken({ room: pending, participant: alice, ttlSeconds: 600 }))
    await adapter.issueToken({ room, participant: bob, ttlSeconds: 600 })
    const before = api.requests.length
    const error = await rejection(adapter.issueToken({ room, participant: { identity: 'carol', role: 'publisher' }, ttlSeconds: 600 }))
    expect(error).toMatchObject({ code: 'ROOM_FULL', provider: 'kaleyra', details: { maximumParticipants: 2, members: ['alice', 'bob.smith_2'] } })
    expect(error.status).toBe(409)
    expect(error.message).toContain('at most 2 participants')
    expect(api.requests).toHaveLength(before)
    // The two members still get tokens.
    expect((await adapter.issueToken({ room, participant: bob, ttlSeconds: 600 })).identity).toBe('bob.smith_2')
  })
})

describe('vendor failures', () => {
  it('a missing apikey: 401, PROVIDER_REJECTED with the vendor status and body, not retried', async () => {
    const withoutApiKey: typeof fetch = (input, init) => {
      const request = new Request(input, init)
      request.headers.delete('apikey')
      return fetch(request)
    }
    const failing = kaleyra({ ...settings, fetch: withoutApiKey })
    const error = await rejection(tokenFor(alice, 'standup', 600, failing))
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false, provider: 'kaleyra' })
    expect(error.vendor).toMatchObject({ status: 401, body: unauthorizedMissingApiKey })
  })

  it('a bad apikey: 401, PROVIDER_REJECTED, one request only', async () => {
    const error = await rejection(tokenFor(alice, 'standup', 600, kaleyra({ ...settings, apiKey: 'wrong' })))
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false })
    expect(error.vendor).toMatchObject({ status: 401, body: unauthorizedBadApiKey })
    expect(api.requests).toHaveLength(1)
  })

  it('400 for expires_in: INVALID_INPUT with the vendor body', async () => {
    api.script(CREDENTIALS, () => json(badExpiresIn, 400))
    const error = await rejection(tokenFor(alice))
    expect(error).toMatchObject({ code: 'INVALID_INPUT', retryable: false })
    expect(error.vendor).toMatchObject({ status: 400, body: badExpiresIn })
  })

  it('user_not_found: PARTICIPANT_NOT_FOUND', async () => {
    api.script(CREDENTIALS, () => json(userNotFound, 404))
    const error = await rejection(tokenFor(alice))
    expect(error).toMatchObject({ code: 'PARTICIPANT_NOT_FOUND', retryable: false })
    expect(error.vendor?.body).toEqual(userNotFound)
  })

  it('429 with Retry-After: waits that long, then succeeds', async () => {
    api.script(CREDENTIALS, () => json(rateLimited, 429, { 'Retry-After': '1' }))
    const started = Date.now()
    const token = await tokenFor(alice)
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    expect(token.identity).toBe('alice')
    expect(api.requestsTo(CREDENTIALS)).toHaveLength(2)
  })

  it('429 that persists: RATE_LIMITED, retryable, after limit + 1 attempts, Retry-After kept', async () => {
    const limited = () => json(rateLimited, 429, { 'Retry-After': '0' })
    api.script(CREDENTIALS, limited, limited, limited, limited)
    const error = await rejection(tokenFor(alice))
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true })
    expect(error.vendor).toMatchObject({ status: 429, body: rateLimited, headers: { 'retry-after': '0' } })
    expect(api.requestsTo(CREDENTIALS)).toHaveLength(3)
  })

  it.each([500, 502, 503, 504])('%d: retried with backoff, then PROVIDER_UNAVAILABLE (retryable) with the body', async (status) => {
    const failing = () => json(serverError, status)
    api.script(CREDENTIALS, failing, failing, failing)
    const started = Date.now()
    const error = await rejection(tokenFor(alice))
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
    expect(error.vendor).toMatchObject({ status, body: serverError })
    expect(api.requestsTo(CREDENTIALS)).toHaveLength(3)
    // initialDelay 20 ms, doubled: 20 + 40
    expect(Date.now() - started).toBeGreaterThanOrEqual(55)
  })

  it('a 5xx that clears: the retry succeeds', async () => {
    api.script(CREDENTIALS, () => json(serverError, 502))
    expect((await tokenFor(alice)).identity).toBe('alice')
    expect(api.requestsTo(CREDENTIALS)).toHaveLength(2)
  })

  it('does not retry room creation on a 500 (it may have happened), but does on a 503', async () => {
    api.script(CREATE_ROOM, () => json(serverError, 500))
    expect((await rejection(tokenFor(alice))).code).toBe('PROVIDER_UNAVAILABLE')
    expect(api.requestsTo(CREATE_ROOM)).toHaveLength(1)
    api.script(CREATE_ROOM, () => json(serverError, 503))
    expect((await tokenFor(alice, 'second')).identity).toBe('alice')
    expect(api.requestsTo(CREATE_ROOM)).toHaveLength(3)
  })

  it('a body that is not JSON is kept as text', async () => {
    api.script(
      CREDENTIALS,
      () => new Response('<html>Bad gateway</html>', { status: 502 }),
      () => new Response('<html>Bad gateway</html>', { status: 502 }),
      () => new Response('<html>Bad gateway</html>', { status: 502 }),
    )
    const error = await rejection(tokenFor(alice))
    expect(error.vendor).toMatchObject({ status: 502, body: '<html>Bad gateway</html>' })
  })

  it('an unexpected success body: PROVIDER_REJECTED', async () => {
    api.script(CREDENTIALS, () => json({ token: 'x' }))
    const error = await rejection(tokenFor(alice))
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', vendor: { status: 200, body: { token: 'x' } } })
  })

  it('a vendor that does not answer in time: PROVIDER_UNAVAILABLE, retryable', async () => {
    const slow = () => new Promise<Response>((resolve) => setTimeout(() => resolve(json({})), 500))
    api.script(CREDENTIALS, slow, slow, slow)
    const adapter = kaleyra({ ...settings, timeout: 50, retry: { limit: 1, initialDelay: 1 } })
    const error = await rejection(tokenFor(alice, 'standup', 600, adapter))
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
    expect(api.requestsTo(CREDENTIALS)).toHaveLength(2)
  })

  it('an abort during the request: ABORTED', async () => {
    api.script(CREDENTIALS, () => new Promise<Response>((resolve) => setTimeout(() => resolve(json({})), 300)))
    const adapter = kaleyra(settings)
    const room = await adapter.ensureRoom({ name: 'standup' })
    const controller = new AbortController()
    const issuing = adapter.issueToken({ room, participant: alice, ttlSeconds: 600, signal: controller.signal })
    setTimeout(() => controller.abort(), 30)
    expect((await rejection(issuing)).code).toBe('ABORTED')
  })
})
