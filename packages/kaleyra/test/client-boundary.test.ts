import { describeClientBoundary } from '@callport/test-environment'

/**
 * The browser half must never pull in the server half, Node modules, ky or full zod. It may use the
 * browser-safe entries of @callport/provider-utils, and src/shared/version.ts reads package.json.
 */

describeClientBoundary('client bundle boundary', {
  packageDirectory: new URL('..', import.meta.url),
  sdk: 'the Kaleyra widget (BandyerSDK)',
})
