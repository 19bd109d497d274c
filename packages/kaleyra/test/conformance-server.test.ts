import { createCallServer } from '@callport/server'
import { runServerAdapterSuite } from '@callport/testkit'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kaleyra } from '../src/server/index'
import { createFakeKaleyraApi } from './fake-kaleyra-api'

const baseUrl = 'https://api.sandbox.eu.bandyer.com'
const apiKey = 'ak_conformance'
const server = setupServer()

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

runServerAdapterSuite({
  name: 'kaleyra',
  setup: () => server.use(...createFakeKaleyraApi({ baseUrl, apiKey }).handlers),
  teardown: () => server.resetHandlers(),
  createAdapter: () => kaleyra({ apiKey, appId: 'wAppId_conformance', region: 'eu', environment: 'sandbox' }),
})

describe('createCallServer with kaleyra', () => {
  const adapter = () => kaleyra({ apiKey, appId: 'wAppId_conformance' })
  const authorize = async () => ({ identity: 'alice' })

  it.each([359, 86_401])('refuses tokenTtlSeconds %d at construction, naming the bounds', (tokenTtlSeconds) => {
    expect(() => createCallServer({ providers: [adapter()], authorize, tokenTtlSeconds })).toThrow(/kaleyra.*360…86400/)
  })

  it('accepts a tokenTtlSeconds within 360…86400', () => {
    expect(() => createCallServer({ providers: [adapter()], authorize, tokenTtlSeconds: 360 })).not.toThrow()
  })
})
