import { runServerAdapterSuite } from '@callport/testkit'
import { afterAll, beforeAll } from 'vitest'
import { livekit } from '../src/server/index'
import { FakeLiveKit } from './fake-livekit'

const fake = new FakeLiveKit('APIconformance', 'conformance-secret-0123456789-abcdef')

beforeAll(() => fake.start())
afterAll(() => fake.stop())

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
})
