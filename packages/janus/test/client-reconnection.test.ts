import { createFakeMediaDevices } from '@callport/test-environment'
import type { ClientConnection, DisconnectedEvent } from '@callport/core'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { janus } from '../src/client/index'
import type { JanusConnection } from '../src/client/janus-connection'
import { janus as janusServer } from '../src/server/index'
import { createFakeJanusJs, type FakeJanusHandle } from './fake-janus-js'
import { FakeJanusServer } from './fake-videoroom'

// How the Janus client half ends a call it lost (the session then joins again with a fresh token),
// over the fake janus.js and fake Janus (H2's test/fake-janus-js.ts, test/fake-videoroom.ts): an ICE
// failure on a handle, and Janus hanging up the publisher's PeerConnection, are `connection-lost`
// with a retryable error; a kick (whose hangup comes with `leaving`) stays `removed`.
const tokenSecret = 'janus-client-reconnection-secret-0123456789'
const fakeJanus = new FakeJanusServer({ tokenSecret })
const http = setupServer(...fakeJanus.httpHandlers())
beforeAll(() => http.listen({ onUnhandledRequest: 'error' }))
afterAll(() => http.close())
afterEach(() => vi.unstubAllGlobals())

const webrtcAdapterStandIn = { browserDetails: { browser: 'chrome', version: 126, supportsUnifiedPlan: true } }

async function connected(label: string): Promise<{ connection: JanusConnection; disconnected: DisconnectedEvent[]; removeMe: () => Promise<void> }> {
  vi.stubGlobal('navigator', { mediaDevices: createFakeMediaDevices() })
  const Janus = createFakeJanusJs(fakeJanus)
  const server = janusServer({ url: fakeJanus.url, tokenSecret, retry: { limit: 0 }, environmentVariables: {} })
  const room = await server.ensureRoom({ name: `reconnection-${label}-${Date.now().toString(36)}` })
  const token = await server.issueToken({ room, participant: { identity: 'ada', role: 'publisher' }, ttlSeconds: 600 })
  const adapter = janus({ sdk: Janus as never, webrtcAdapter: webrtcAdapterStandIn })
  const connection = await adapter.connect(token, { audio: true, video: false, refreshToken: () => Promise.resolve(token) })
  const disconnected: DisconnectedEvent[] = []
  ;(connection as ClientConnection).on('disconnected', (event) => disconnected.push(event))
  // Up: Janus saw the publisher's PeerConnection come up (webrtcup) and made it an active publisher.
  await vi.waitFor(() => expect(fakeJanus.publishersOf(Number(room.providerRoomId), 'ada').some((feed) => feed.active)).toBe(true))
  return { connection, disconnected, removeMe: () => server.removeParticipant({ room, identity: 'ada' }) }
}

const handleOf = (connection: JanusConnection, which: 'publisher' | 'subscriber') => connection.vendor[which] as unknown as FakeJanusHandle

describe('the Janus client half, when the call is lost', () => {
  it('ICE failing on the publisher handle ends the call as connection-lost, retryable', async () => {
    const { connection, disconnected } = await connected('ice')
    handleOf(connection, 'publisher').setIceState('failed')
    await vi.waitFor(() => expect(disconnected).toHaveLength(1))
    expect(disconnected[0]).toMatchObject({ reason: 'connection-lost', error: { code: 'CONNECTION_FAILED', retryable: true } })
  })

  it("Janus hanging up the publisher's PeerConnection ends the call as connection-lost once the grace passed", async () => {
    const { connection, disconnected } = await connected('hangup')
    const publisher = connection.vendor.publisher!
    fakeJanus.peerConnectionClosed(connection.vendor.session.getSessionId(), Number(publisher.getId()))
    await vi.waitFor(() => expect(disconnected).toHaveLength(1), { timeout: 3_000 })
    expect(disconnected[0]).toMatchObject({ reason: 'connection-lost', error: { retryable: true } })
  })

  it('a kick (Janus hangs up the kicked publisher too) is removed, not connection-lost', async () => {
    const { disconnected, removeMe } = await connected('kick')
    await removeMe()
    await vi.waitFor(() => expect(disconnected).toHaveLength(1), { timeout: 3_000 })
    expect(disconnected[0]!.reason).toBe('removed')
  })
})
