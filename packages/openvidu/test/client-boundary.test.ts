import { describeClientBoundary } from '@callport/test-environment'
import { expect } from 'vitest'

/**
 * What `@callport/openvidu/client` pulls into a browser bundle: every module reachable from
 * src/client/index.ts through static imports. None may be server code, a Node module, the REST
 * client, or know the secret; openvidu-browser is never imported, not even lazily (it comes from the
 * sdk option or the CDN global; client-build-without-sdk.test.ts builds it without).
 */

describeClientBoundary<typeof import('../src/client/index')>('the client half', {
  packageDirectory: new URL('..', import.meta.url),
  sdk: 'openvidu-browser',
  importsAllBrowserSafe: true,
  forbiddenText: /OPENVIDUAPP|OPENVIDU_SECRET|\/openvidu\/api|Buffer|process\.env/,
  importableWithoutWindow: (entry) => expect(entry.openvidu().provider).toBe('openvidu'),
})
