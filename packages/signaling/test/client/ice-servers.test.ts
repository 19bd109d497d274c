import { CallportError, type Token } from '@callport/core'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { signaling } from '../../src/client/index'
import { iceServersOf } from '@callport/provider-utils/client'
import { rtcConfigurationFor } from '../../src/client/ice-servers'
import { fakeWebrtc } from './fake-webrtc'
import { uniqueRoom, useSignaling } from './harness'

const harness = useSignaling()
beforeAll(async () => {
  await harness.start()
})

const turn = { urls: ['turn:127.0.0.1:3478?transport=udp'], username: '1764662400:ada', credential: 'c2lnbmVk' }
const withIceServers = (token: Token, iceServers: unknown): Token => ({ ...token, connect: { ...token.connect, iceServers: JSON.stringify(iceServers) } })

describe("the token's ICE servers", () => {
  it('are none when the token carries none, and the JSON list when it does', async () => {
    const token = await harness.token({ room: uniqueRoom('ice'), identity: 'ada' })
    expect(iceServersOf(token)).toEqual([])
    expect(iceServersOf(withIceServers(token, [turn]))).toEqual([turn])
  })

  it.each([['not JSON'], [{ urls: 'turn:x' }], [[{ username: 'u' }]], [[{ urls: 'turn:x', credential: 5 }]]])('refuses %j as INVALID_INPUT', async (value) => {
    const token = await harness.token({ room: uniqueRoom('ice-bad'), identity: 'ada' })
    const broken = { ...token, connect: { ...token.connect, iceServers: typeof value === 'string' ? value : JSON.stringify(value) } }
    expect(() => iceServersOf(broken)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })

  it("come after the adapter's own rtcConfiguration servers, keeping its other settings", async () => {
    const token = withIceServers(await harness.token({ room: uniqueRoom('ice-merge'), identity: 'ada' }), [turn])
    const base: RTCConfiguration = { iceServers: [{ urls: 'stun:127.0.0.1:3478' }], iceTransportPolicy: 'relay' }
    expect(rtcConfigurationFor(base, token)).toEqual({ iceServers: [{ urls: 'stun:127.0.0.1:3478' }, turn], iceTransportPolicy: 'relay' })
    expect(rtcConfigurationFor(undefined, token)).toEqual({ iceServers: [turn] })
    expect(rtcConfigurationFor(base, await harness.token({ room: uniqueRoom('ice-none'), identity: 'ada' }))).toBe(base)
  })

  it('configure every peer connection the page opens, and a refreshed token serves the ones opened after it', async () => {
    const room = uniqueRoom('ice-peer')
    const configurations: (RTCConfiguration | undefined)[] = []
    const webrtc = fakeWebrtc()
    const Base = webrtc.RTCPeerConnection!
    webrtc.RTCPeerConnection = class extends Base {
      constructor(configuration?: RTCConfiguration) {
        configurations.push(configuration)
        super(configuration)
      }
    }
    const ada = await signaling({ webrtc }).connect(withIceServers(await harness.token({ room, identity: 'ada' }), [turn]), {
      audio: false,
      video: false,
      refreshToken: () => Promise.reject(new Error('not used')),
    })
    try {
      await harness.connect({ room, identity: 'bob' })
      await vi.waitFor(() => expect(configurations).toEqual([{ iceServers: [turn] }]))
      const refreshed = { ...turn, username: '1764666000:ada', credential: 'cmVmcmVzaGVk' }
      await ada.updateToken(withIceServers(await harness.token({ room, identity: 'ada' }), [refreshed]))
      await harness.connect({ room, identity: 'cy' })
      await vi.waitFor(() => expect(configurations).toEqual([{ iceServers: [turn] }, { iceServers: [refreshed] }]))
    } finally {
      await ada.disconnect()
    }
  })

  it('refuses to connect with a token whose ICE servers are not ICE servers, before opening anything', async () => {
    const token = { ...(await harness.token({ room: uniqueRoom('ice-refused'), identity: 'ada' })), connect: { url: harness.url, iceServers: '[{"urls":42}]' } }
    const sdk = vi.fn()
    const failure = await signaling({ sdk })
      .connect(token, { audio: false, video: false, refreshToken: () => Promise.reject(new Error('not used')) })
      .catch((error: unknown) => error)
    expect(CallportError.isInstance(failure) && failure.code).toBe('INVALID_INPUT')
    expect(sdk).not.toHaveBeenCalled()
  })
})
