import type { Room } from '@callport/core'
import { createCallServer, createMemoryRoomStore } from '@callport/server'
import { runServerAdapterSuite } from '@callport/testkit'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { kaleyra } from '../src/server/index'
import { KaleyraConnectParametersSchema } from '../src/shared/connect-parameters'
import { createFakeKaleyraApi, type FakeKaleyraApi } from './fake-kaleyra-api'

const baseUrl = 'https://api.sandbox.eu.bandyer.com'
const apiKey = 'ak_conformance'
const server = setupServer()

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

/**
 * The suite's back door into the fake Kaleyra: the access tokens it issued and the join links it
 * handed out, read from its answers (msw's `response:mocked`), and its rooms with their members.
 */
const issued = {
  accessTokens: new Map<string, { user: string; expiresAt: string }>(),
  /** Join link → the room and user it was made for. */
  links: new Map<string, { roomId: string; user: string }>(),
  reading: [] as Promise<void>[],
}
const CredentialsAnswerSchema = z.object({ access_token: z.string(), expires_at: z.string(), user_id: z.string() })
const RoomAnswerSchema = z.object({ room: z.object({ room_id: z.string(), user_urls: z.array(z.object({ user: z.string(), url: z.string() })) }) })

server.events.on('response:mocked', ({ response }) => {
  if (!response.ok) return
  issued.reading.push(
    response
      .clone()
      .json()
      .then((body: unknown) => {
        const credentials = CredentialsAnswerSchema.safeParse(body)
        if (credentials.success) issued.accessTokens.set(credentials.data.access_token, { user: credentials.data.user_id, expiresAt: credentials.data.expires_at })
        const room = RoomAnswerSchema.safeParse(body)
        if (room.success) for (const { user, url } of room.data.room.user_urls) issued.links.set(url, { roomId: room.data.room.room_id, user })
      }),
  )
})

runServerAdapterSuite<FakeKaleyraApi>({
  name: 'kaleyra',
  setup: () => {
    const api = createFakeKaleyraApi({ baseUrl, apiKey })
    server.use(...api.handlers)
    return api
  },
  teardown: () => server.resetHandlers(),
  createAdapter: () => kaleyra({ apiKey, appId: 'wAppId_conformance', region: 'eu', environment: 'sandbox' }),
  vendor: {
    // Kaleyra admits the holder of an access token it issued for this user, unexpired, into a room
    // the user is a member of, through the join link it made for that user in that room.
    async verifyToken(token, api) {
      await Promise.all(issued.reading)
      const credentials = issued.accessTokens.get(token.value)
      if (!credentials || credentials.user !== token.identity || Date.parse(credentials.expiresAt) <= Date.now()) return false
      if (api.rooms.get(token.providerRoomId)?.has(token.identity) !== true) return false
      const { kaleyraRoomId, roomUrl } = KaleyraConnectParametersSchema.parse(token.connect)
      if (kaleyraRoomId !== token.providerRoomId) return false
      const link = roomUrl === undefined ? undefined : issued.links.get(roomUrl)
      return link !== undefined && link.roomId === token.providerRoomId && link.user === token.identity
    },
    roomExists: (room, api) => api.rooms.has(room.providerRoomId),
  },
})

describe('createCallServer with kaleyra', () => {
  const adapter = () => kaleyra({ apiKey, appId: 'wAppId_conformance' })
  const authorize = async () => ({ identity: 'alice' })

  it.each([359, 86_401])('refuses tokenTtlSeconds %d at construction, naming the bounds', (tokenTtlSeconds) => {
    expect(() => createCallServer({ providers: [adapter()], authorize, tokenTtlSeconds })).toThrow(/kaleyra.*360…86400/)
  })

  it('accepts a tokenTtlSeconds within 360…86400', () => {
    expect(() => createCallServer({ providers: [adapter()], authorize, tokenTtlSeconds: 360 })).not.toThrow()
  })
})

describe('two call servers sharing one room store (two app processes)', () => {
  let api: FakeKaleyraApi
  beforeAll(() => {
    api = createFakeKaleyraApi({ baseUrl, apiKey })
    server.use(...api.handlers)
  })
  afterEach(() => {
    api.requests.length = 0
  })
  afterAll(() => server.resetHandlers())

  const roomStore = createMemoryRoomStore()
  const callServer = () => createCallServer({ providers: [kaleyra({ apiKey, appId: 'wAppId_conformance' })], authorize: async () => null, roomStore, tokenTtlSeconds: 600 })
  const [first, second] = [callServer(), callServer()]
  const join = (calls: typeof first, identity: string) => calls.join({ room: 'consult', participant: { identity } })
  const kaleyraRoomOf = (room: Room) => room.providerRoomId

  it('one Kaleyra room for one Callport room: created by the first join, recorded, and joined from the other process', async () => {
    const alice = await join(first, 'alice')
    expect(kaleyraRoomOf(alice.room)).toMatch(/^room_/)
    expect(api.requests.map((request) => request.path)).toEqual(['/rest/sdk/credentials', '/rest/room/create'])
    api.requests.length = 0

    const bob = await join(second, 'bob')
    expect(bob.room.providerRoomId).toBe(alice.room.providerRoomId)
    expect(bob.token.connect.kaleyraRoomId).toBe(alice.room.providerRoomId)
    expect(api.requests.map((request) => request.path)).toEqual(['/rest/sdk/credentials', `/rest/room/${alice.room.providerRoomId}/participants/add`])
    expect(api.rooms.size).toBe(1)
  })

  it('a member joining again through a process that has read their link: one request, the credentials', async () => {
    const again = await join(second, 'bob')
    expect(api.requests.map((request) => request.path)).toEqual(['/rest/sdk/credentials'])
    expect(typeof again.token.connect.roomUrl).toBe('string')
  })
})
