import { describeExamplePage } from '@callport/example-kit/testing'
import { createAppServer } from '../src/app-server'

// The page `npm run example:openvidu` serves, with fake credentials (the join itself: app-server.test.ts).
describeExamplePage({
  vendor: 'OpenVidu',
  adapter: 'openvidu',
  create: () => createAppServer({ url: 'http://127.0.0.1:1', secret: 'FAKE_SECRET' }),
  adapterMarker: 'openvidu-browser is not available',
  secret: 'FAKE_SECRET',
})
