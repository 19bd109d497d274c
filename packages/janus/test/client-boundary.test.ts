import { describeClientBoundary } from '@callport/test-environment'

/** The browser half must never reach the server half, Node modules, the REST client, full zod, janus.js or webrtc-adapter at import time. */

describeClientBoundary('client bundle boundary', {
  packageDirectory: new URL('..', import.meta.url),
  sdk: 'janus-gateway',
  reaches: ['client/index.ts', 'client/janus-client-adapter.ts', 'client/janus-connection.ts', 'client/load-sdk.ts', 'shared/connect-parameters.ts'],
  forbiddenText: /tokenSecret|JANUS_TOKEN_SECRET|createHmac|process\.env/,
  importableWithoutWindow: (entry) => {
    if (typeof entry.janus !== 'function') throw new Error('the client entry exports janus()')
  },
})
