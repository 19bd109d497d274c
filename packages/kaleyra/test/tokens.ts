import type { Participant, Token } from '@callport/core'
import { setupServer } from 'msw/node'
import { kaleyra } from '../src/server/index'
import { createFakeKaleyraApi } from './fake-kaleyra-api'

/**
 * Real Kaleyra tokens for client tests: issued by the server half against the faked REST API
 * (msw, in this process). Call `listen()` in beforeAll and `close()` in afterAll.
 */
export function createTokenIssuer() {
  const baseUrl = 'https://api.sandbox.eu.bandyer.com'
  const apiKey = 'ak_client_tests'
  const server = setupServer(...createFakeKaleyraApi({ baseUrl, apiKey }).handlers)
  const adapter = kaleyra({ apiKey, appId: 'wAppId_client', region: 'eu', environment: 'sandbox' })
  return {
    listen: () => server.listen({ onUnhandledRequest: 'error' }),
    close: () => server.close(),
    async issue(room: string, identity: string, ttlSeconds = 600, role: Participant['role'] = 'publisher'): Promise<Token> {
      return adapter.issueToken({ room: await adapter.ensureRoom({ name: room }), participant: { identity, role }, ttlSeconds })
    },
  }
}
