import { describeExamplePage } from '@callport/example-kit/testing'
import { createTokenServer } from '../src/token-server'

// The page `npm run example:kaleyra` serves, with fake credentials (the join itself: token-server.test.ts).
describeExamplePage({
  vendor: 'Kaleyra',
  adapter: 'kaleyra',
  create: () => createTokenServer({ apiKey: 'ak_fake_secret', appId: 'wAppId_fake', region: 'eu', environment: 'sandbox' }),
  adapterMarker: 'cdn.bandyer.com/sdk/js/chat/',
  secret: 'ak_fake_secret',
})
