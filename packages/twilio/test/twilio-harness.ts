import { setupServer } from 'msw/node'
import { twilio, type TwilioSettings } from '../src/server/index'
import { FakeTwilioCloud } from './fake-twilio-cloud'
import { createFakeTwilioRest } from './fake-twilio-rest'
import { createFakeTwilioVideo } from './fake-twilio-video'

/** Test credentials, shaped like Twilio's (an `AC…` account, an `SK…` API key). */
export const credentials = {
  accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
  apiKeySid: `SK${'fedcba9876543210'.repeat(2)}`,
  apiKeySecret: 'test-api-key-secret-for-callport',
  authToken: 'test-auth-token-for-callport-0001',
} as const

/** Retries without waiting, so that failure tests stay fast. */
export const quickRetry = { limit: 2, initialDelay: 0, maximumDelay: 0 } as const

/** The msw server every test file of this package shares; handlers are set per test. */
export const mswServer = setupServer()

/** A fake Twilio (cloud, REST through msw, twilio-video) and a server adapter pointed at it (webhooks only with `authToken`). */
export function createTwilioHarness(settings: TwilioSettings = {}) {
  const cloud = new FakeTwilioCloud(credentials)
  const rest = createFakeTwilioRest(cloud)
  const video = createFakeTwilioVideo(cloud)
  mswServer.use(...rest.handlers)
  const { authToken: _authToken, ...keys } = credentials
  const adapter = twilio({ ...keys, retry: quickRetry, ...settings })
  return { cloud, rest, video, adapter }
}
