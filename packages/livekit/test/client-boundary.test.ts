import { describeClientBoundary } from '@callport/test-environment'

/** The browser half must never reach the server half, Node modules, the REST client, full zod, or livekit-client at import time. */

describeClientBoundary('client bundle boundary', {
  packageDirectory: new URL('..', import.meta.url),
  sdk: 'livekit-client',
  reaches: ['client/index.ts', 'client/livekit-connection.ts', 'client/load-sdk.ts'],
})
