import type { CallportError, ClientConnection, Token } from '@callport/core'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { signaling } from '../../src/client/index'
import { PeerLink, type PeerSignal } from '../../src/client/peer-link'
import { roleClaimOf } from '../../src/client/signaling-connection'
import { signaling as signalingServerHalf } from '../../src/server/index'
import { SECRET, observe, uniqueRoom, useSignaling } from './harness'

const harness = useSignaling()
beforeAll(async () => {
  await harness.start()
})
const opened: ClientConnection[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((connection) => connection.disconnect()))
})

async function subscriberToken(room: string, identity: string): Promise<Token> {
  const half = signalingServerHalf({ secret: SECRET, url: harness.url })
  return half.issueToken({ room: await half.ensureRoom({ name: room }), participant: { identity, role: 'subscriber' }, ttlSeconds: 600 })
}

/** Just enough of an RTCPeerConnection to be opened; records every attempt to send a track. */
class RecordingPeerConnection extends EventTarget {
  static instances: RecordingPeerConnection[] = []
  connectionState = 'new'
  signalingState = 'stable'
  addTrack = vi.fn()
  addTransceiver = vi.fn()
  constructor() {
    super()
    RecordingPeerConnection.instances.push(this)
  }
  createDataChannel() {
    return Object.assign(new EventTarget(), { readyState: 'connecting', close: () => undefined })
  }
  getTransceivers() {
    return []
  }
  close() {}
}

describe('the client of a subscriber publishes nothing', () => {
  it('reads the role a token names, without verifying it, and nothing from what is not a token', async () => {
    expect(roleClaimOf((await subscriberToken('any', 'ada')).value)).toBe('subscriber')
    expect(roleClaimOf((await harness.token({ room: 'any', identity: 'ada' })).value)).toBe('publisher')
    for (const value of ['', 'not-a-jwt', 'a.%%%.c', `a.${btoa('[1]')}.c`]) expect(roleClaimOf(value)).toBeUndefined()
  })

  it('captures no media, announces no audio or video, sends no track, and refuses to enable the camera or microphone', async () => {
    const room = uniqueRoom('subscriber')
    const observer = await observe(harness.url, await harness.token({ room, identity: 'publisher' }))
    const getUserMedia = vi.fn(() => Promise.reject(new Error('must not be called')))
    RecordingPeerConnection.instances = []
    const token = await subscriberToken(room, 'viewer')
    const connection = await signaling({ webrtc: { getUserMedia, RTCPeerConnection: RecordingPeerConnection as unknown as typeof RTCPeerConnection } }).connect(token, {
      audio: true,
      video: true,
      refreshToken: () => subscriberToken(room, 'viewer'),
    })
    opened.push(connection)

    expect(connection.localParticipant.role).toBe('subscriber')
    expect(getUserMedia).not.toHaveBeenCalled()
    await vi.waitFor(() => expect(observer.events.some(({ event }) => event === 'on_join')).toBe(true))
    const announced = observer.events.find(({ event }) => event === 'on_join')!.parts[1] as { join_props: Record<string, unknown> }
    expect(announced.join_props).toMatchObject({ audio: false, video: false })

    // A link to the publisher exists, and nothing was offered to it to send.
    expect(RecordingPeerConnection.instances).toHaveLength(1)
    const [link] = RecordingPeerConnection.instances
    for (const enable of [() => connection.setCameraEnabled(true), () => connection.setMicrophoneEnabled(true)]) {
      const error = await enable().then(
        () => expect.fail('expected a refusal'),
        (failure: unknown) => failure as CallportError,
      )
      expect(error).toMatchObject({ code: 'FORBIDDEN', provider: 'signaling' })
    }
    await connection.setCameraEnabled(false)
    expect(getUserMedia).not.toHaveBeenCalled()
    expect(link!.addTrack).not.toHaveBeenCalled()
    expect(link!.addTransceiver).not.toHaveBeenCalled()
    observer.close()
  })

  it('answers an offer to send with recvonly transceivers on a receive-only link', async () => {
    const transceivers = [{ direction: 'sendrecv' }, { direction: 'sendonly' }, { direction: 'recvonly' }]
    const sent: PeerSignal[] = []
    class AnsweringPeerConnection extends RecordingPeerConnection {
      localDescription: { type: string; toJSON(): unknown } | null = null
      override getTransceivers() {
        return transceivers as never[]
      }
      async setRemoteDescription() {}
      async setLocalDescription() {
        this.localDescription = { type: 'answer', toJSON: () => ({ type: 'answer', sdp: `directions ${transceivers.map(({ direction }) => direction).join(' ')}` }) }
      }
    }
    const link = new PeerLink({
      RTCPeerConnection: AnsweringPeerConnection as unknown as typeof RTCPeerConnection,
      configuration: undefined,
      localTracks: [],
      streamOf: () => undefined,
      receiveOnly: true,
      send: (signal) => sent.push(signal),
      onRemoteTrack: () => undefined,
      onHealthChange: () => undefined,
      onError: (error) => expect.fail(String(error)),
    })
    link.receive({ description: { type: 'offer', sdp: 'v=0\r\n' } })
    await vi.waitFor(() => expect(sent).toHaveLength(1))
    expect(transceivers.map(({ direction }) => direction)).toEqual(['recvonly', 'inactive', 'recvonly'])
    expect(sent[0]).toEqual({ description: { type: 'answer', sdp: 'directions recvonly inactive recvonly' } })
    await link.setTrack('camera', {} as MediaStreamTrack)
    expect((link.connection as unknown as RecordingPeerConnection).addTrack).not.toHaveBeenCalled()
    link.close()
  })
})
