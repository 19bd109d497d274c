import { io } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { signaling, signalingClientCapabilities } from '../../src/client/index'
import { resolveClientOptions } from '../../src/client/client-options'

describe('signaling(options) on the client', () => {
  it('refuses unknown options, naming the closest known one', () => {
    expect(() => signaling({ displayname: 'Ada' } as never)).toThrowError(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        provider: 'signaling',
        message: expect.stringMatching(/unknown setting "displayname" \(did you mean "displayName"\?\)/),
      }),
    )
    expect(() => signaling({ connectTimeoutMs: 1000 } as never)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })

  it('refuses values of the wrong kind', () => {
    expect(() => signaling({ sdk: 'socket.io-client' as never })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('sdk') }))
    expect(() => signaling({ requestTimeoutMilliseconds: 0 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('requestTimeoutMilliseconds') }),
    )
  })

  it('takes socket.io-client as `sdk`, and still as the deprecated `io`', () => {
    expect(resolveClientOptions({ sdk: io }).sdk).toBe(io)
    expect(resolveClientOptions({ io }).sdk).toBe(io)
    expect(resolveClientOptions({ sdk: io, io }).sdk).toBe(io)
    expect(() => resolveClientOptions({ sdk: io, io: (url, options) => io(url, options) })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }))
    expect(resolveClientOptions(undefined).sdk).toBeUndefined()
  })

  it('declares its capabilities', () => {
    expect(signaling().capabilities).toEqual(signalingClientCapabilities)
    expect(signalingClientCapabilities).toEqual({
      media: 'tracks',
      updateToken: true,
      sendData: true,
      trackMuteEvents: true,
      localTracks: true,
      switchDevice: ['camera', 'microphone'],
      screenShare: true,
      screenShareAudio: true,
      activeSpeakers: true,
      connectionQuality: true,
      participantUpdates: true,
      remoteMute: true,
      prepare: true,
    })
  })
})
