import { createCallServer } from '@callport/server'
import { runServerAdapterSuite } from '@callport/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { twilio } from '../src/server/index'
import { createTwilioHarness, credentials, mswServer } from './twilio-harness'

beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }))
afterAll(() => mswServer.close())

runServerAdapterSuite({
  name: 'twilio',
  setup: () => createTwilioHarness({ authToken: credentials.authToken }),
  teardown: () => mswServer.resetHandlers(),
  createAdapter: (harness) => harness.adapter,
  // The participant connects with the fake twilio-video, holding the token the adapter issued.
  join: async ({ token }, harness) => {
    const room = await harness.video.connect(token.value, { name: String(token.connect.roomName), audio: false, video: false })
    return { leave: async () => void room.disconnect() }
  },
})

describe('createCallServer with twilio', () => {
  const authorize = async () => ({ identity: 'alice' })

  it.each([0, 86_401])('refuses tokenTtlSeconds %d at construction, naming the bounds', (tokenTtlSeconds) => {
    expect(() => createCallServer({ providers: [twilio({ ...credentials })], authorize, tokenTtlSeconds })).toThrow(/twilio.*1…86400/)
  })

  it('accepts Twilio\'s maximum of 24 hours', () => {
    expect(() => createCallServer({ providers: [twilio({ ...credentials })], authorize, tokenTtlSeconds: 86_400 })).not.toThrow()
  })
})
