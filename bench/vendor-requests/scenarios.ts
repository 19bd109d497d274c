import type { ServerAdapter } from '@callport/core'
import { kaleyra } from '@callport/kaleyra/server'
import { livekit } from '@callport/livekit/server'
import { openvidu } from '@callport/openvidu/server'
import { signaling } from '@callport/signaling/server'
import { twilio } from '@callport/twilio/server'
import { vidyo } from '@callport/vidyo/server'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createFakeKaleyraApi } from '../../packages/kaleyra/test/fake-kaleyra-api'
import { createFakeOpenVidu } from '../../packages/openvidu/test/fake-openvidu'
import { FakeTwilioCloud } from '../../packages/twilio/test/fake-twilio-cloud'
import { createFakeTwilioRest } from '../../packages/twilio/test/fake-twilio-rest'
import { countJoinRequests, type JoinCosts } from './count-requests'

/** A provider's server adapter pointed at its vendor fake (the msw handlers its own tests use). */
interface Scenario {
  provider: string
  /** How many new participants join the live room (Kaleyra rooms hold two). */
  joins: number
  create(): { adapter: ServerAdapter; handlers: Parameters<typeof setupServer> }
}

const secret = 'bench-secret-0123456789abcdef0123456789'
const twilioCredentials = { accountSid: `AC${'0123456789abcdef'.repeat(2)}`, apiKeySid: `SK${'fedcba9876543210'.repeat(2)}`, apiKeySecret: secret }

const scenarios: Scenario[] = [
  {
    provider: 'openvidu',
    joins: 5,
    create() {
      const fake = createFakeOpenVidu()
      return { adapter: openvidu({ url: fake.url, secret: fake.secret }), handlers: fake.handlers }
    },
  },
  {
    provider: 'twilio',
    joins: 5,
    create() {
      const rest = createFakeTwilioRest(new FakeTwilioCloud(twilioCredentials))
      return { adapter: twilio(twilioCredentials), handlers: rest.handlers }
    },
  },
  {
    provider: 'vidyo',
    joins: 5,
    create: () => ({ adapter: vidyo({ appId: 'bench.vidyo.io', developerKey: secret }), handlers: [] }),
  },
  {
    provider: 'kaleyra',
    joins: 1,
    create() {
      const api = createFakeKaleyraApi({ baseUrl: 'https://api.sandbox.eu.bandyer.com', apiKey: 'ak_bench' })
      return { adapter: kaleyra({ apiKey: 'ak_bench', appId: 'wAppId_bench', region: 'eu', environment: 'sandbox' }), handlers: api.handlers }
    },
  },
  {
    provider: 'livekit',
    joins: 5,
    create() {
      // LiveKit's own fake (packages/livekit/test/fake-livekit.ts) is a real HTTP server; msw counts here, so
      // RoomService's CreateRoom is answered as LiveKit answers it (the RoomInfo, created or existing).
      const url = 'https://livekit.bench.invalid'
      const createRoom = http.post(`${url}/twirp/livekit.RoomService/CreateRoom`, async ({ request }) => {
        const { name } = (await request.json()) as { name: string }
        return HttpResponse.json({ sid: `RM_${name}`, name, creationTime: '1700000000' })
      })
      return { adapter: livekit({ apiKey: 'APIbench', apiSecret: secret, url }), handlers: [createRoom] }
    },
  },
  {
    provider: 'signaling',
    joins: 5,
    create: () => ({ adapter: signaling({ secret, url: 'http://127.0.0.1:3000' }), handlers: [] }),
  },
]

/** Vendor requests per join for every provider, each against its own fake (unhandled requests fail). */
export async function measureAll(): Promise<Array<JoinCosts & { provider: string }>> {
  const results: Array<JoinCosts & { provider: string }> = []
  for (const scenario of scenarios) {
    const { adapter, handlers } = scenario.create()
    const vendor = setupServer(...handlers)
    vendor.listen({ onUnhandledRequest: 'error' })
    try {
      results.push({ provider: scenario.provider, ...(await countJoinRequests(adapter, vendor, scenario.joins)) })
    } finally {
      vendor.close()
    }
  }
  return results
}
