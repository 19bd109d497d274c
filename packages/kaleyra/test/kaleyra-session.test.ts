import { createSession } from '@callport/client'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { kaleyra } from '../src/client/index'
import { FakeBandyerSdk } from './fake-widget'
import { createTokenIssuer } from './tokens'

/** The Kaleyra client half inside a real @callport/client session. */

const issuer = createTokenIssuer()
beforeAll(() => issuer.listen())
afterAll(() => issuer.close())

let sdk: FakeBandyerSdk
let tokenRequests: number
beforeEach(() => {
  sdk = new FakeBandyerSdk()
  tokenRequests = 0
})

function session() {
  return createSession({
    adapters: [kaleyra({ sdk })],
    token: async ({ room }) => {
      tokenRequests += 1
      return issuer.issue(room, 'alice')
    },
    reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
  })
}

describe('token flow', () => {
  it('about to expire: the session fetches one fresh token and the widget gets it once (updateAccessToken)', async () => {
    const call = session()
    await call.join('standup', { audio: true, video: true })
    expect(tokenRequests).toBe(1)
    const refreshed = new Promise((resolve) => call.once('token-refreshed', resolve))
    sdk.client?.emit('client:access_token:is_about_to_expire', { expiresAt: new Date(Date.now() + 60_000).toISOString() })
    await refreshed
    expect(tokenRequests).toBe(2)
    expect(sdk.calls.filter((name) => name === 'updateAccessToken')).toHaveLength(1)
    expect(sdk.client?.accessToken).toBe(call.token?.value)
    await call.leave()
  })

  it('expired (widget 2.7.5 disconnects itself first, then emits): the session reconnects with a fresh token through a new widget client', async () => {
    const call = session()
    await call.join('standup', { audio: true, video: true })
    const firstClient = sdk.client
    const reconnected = new Promise((resolve) => call.once('reconnected', resolve))
    await firstClient?.expireToken()
    await reconnected
    expect(call.state).toBe('connected')
    expect(tokenRequests).toBe(2)
    expect(sdk.client).not.toBe(firstClient)
    expect(sdk.calls.filter((name) => name === 'configure')).toHaveLength(2)
    expect(sdk.calls.indexOf('destroyClient')).toBeLessThan(sdk.calls.lastIndexOf('configure'))
    expect(sdk.client?.accessToken).toBe(call.token?.value)
    await call.leave()
  })

  it('removed by the vendor: the session ends without reconnecting', async () => {
    const call = session()
    await call.join('standup', { audio: true, video: true })
    sdk.client?.emit('client:force_disconnect')
    await vi.waitFor(() => expect(call.state).toBe('disconnected'))
    expect(tokenRequests).toBe(1)
    await vi.waitFor(() => expect(sdk.client).toBeUndefined())
  })

  it('leave, then join again on the same page', async () => {
    const call = session()
    await call.join('standup', { audio: true, video: true })
    await call.leave()
    expect(sdk.client).toBeUndefined()
    await call.join('standup', { audio: true, video: true })
    expect(call.state).toBe('connected')
    expect(sdk.client?.userId).toBe('alice')
    await call.leave()
    expect(sdk.calls.filter((name) => name === 'destroyClient')).toHaveLength(2)
  })
})
