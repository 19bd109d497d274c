import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { kaleyra } from '../src/client/index'
import { FakeBandyerSdk } from './fake-widget'
import { createTokenIssuer } from './tokens'

/** A track as getUserMedia returns them: `enabled` is what Callport switches. */
class FakeTrack extends EventTarget {
  enabled = true
  constructor(readonly kind: 'audio' | 'video') {
    super()
  }
}

const issuer = createTokenIssuer()
beforeAll(() => issuer.listen())
afterAll(() => issuer.close())

let tracks: FakeTrack[]
let mediaDevices: { getUserMedia: (constraints: MediaStreamConstraints) => Promise<MediaStream> }
const originalGetUserMedia = async (constraints: MediaStreamConstraints): Promise<MediaStream> => {
  const captured = [...(constraints.audio ? [new FakeTrack('audio')] : []), ...(constraints.video ? [new FakeTrack('video')] : [])]
  tracks.push(...captured)
  return { getTracks: () => captured } as unknown as MediaStream
}

beforeEach(() => {
  tracks = []
  mediaDevices = { getUserMedia: originalGetUserMedia }
  vi.stubGlobal('navigator', { mediaDevices })
})
afterEach(() => vi.unstubAllGlobals())

const connect = async (audio: boolean, video: boolean) =>
  kaleyra({ sdk: new FakeBandyerSdk() }).connect(await issuer.issue('standup', 'alice'), {
    audio,
    video,
    refreshToken: () => Promise.reject(new Error('not used')),
  })

describe('microphone and camera', () => {
  it('join options switch the tracks the widget captures', async () => {
    const connection = await connect(false, true)
    expect(tracks.map((track) => [track.kind, track.enabled])).toEqual([
      ['audio', false],
      ['video', true],
    ])
    await connection.disconnect()
  })

  it('setMicrophoneEnabled / setCameraEnabled switch the captured tracks of that kind only', async () => {
    const connection = await connect(true, true)
    await connection.setCameraEnabled(false)
    expect(tracks.map((track) => [track.kind, track.enabled])).toEqual([
      ['audio', true],
      ['video', false],
    ])
    await connection.setMicrophoneEnabled(false)
    await connection.setCameraEnabled(true)
    expect(tracks.map((track) => [track.kind, track.enabled])).toEqual([
      ['audio', false],
      ['video', true],
    ])
    await connection.disconnect()
  })

  it('a choice made before the widget captures applies to what it captures later', async () => {
    const connection = await connect(true, true)
    await connection.setMicrophoneEnabled(false)
    await navigator.mediaDevices.getUserMedia({ audio: true })
    expect(tracks.at(-1)).toMatchObject({ kind: 'audio', enabled: false })
    await connection.disconnect()
  })

  it('gives getUserMedia back on leave', async () => {
    const connection = await connect(true, true)
    expect(mediaDevices.getUserMedia).not.toBe(originalGetUserMedia)
    await connection.disconnect()
    expect(mediaDevices.getUserMedia).toBe(originalGetUserMedia)
  })
})
