import { describeClientBoundary } from '@callport/test-environment'

/** The browser half must never reach the server half, Node modules, ky, full zod, or twilio-video at import time. */

describeClientBoundary('client bundle boundary', {
  packageDirectory: new URL('..', import.meta.url),
  sdk: 'twilio-video',
})
