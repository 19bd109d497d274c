import { describeExamplePage } from '@callport/example-kit/testing'
import { createTokenServer } from '../src/token-server'

// The page `npm run example:twilio` serves, with fake credentials (the join itself: token-server.test.ts).
describeExamplePage({
  vendor: 'Twilio',
  adapter: 'twilio',
  create: () =>
    createTokenServer({
      accountSid: `AC${'1'.repeat(32)}`,
      apiKeySid: `SK${'2'.repeat(32)}`,
      apiKeySecret: 'fake-api-key-secret',
      authToken: 'fake-auth-token',
    }),
  adapterMarker: 'twilio-video is not available',
  secret: 'fake-api-key-secret',
})
