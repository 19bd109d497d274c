import type { ConnectionQuality, ConnectOptions, Token } from '@callport/core'
import { vi } from 'vitest'
import { twilio as twilioClient } from '../src/client/index'
import { twilio } from '../src/server/index'
import { FakeTwilioCloud } from './fake-twilio-cloud'
import { createFakeMediaDevices, FakeMediaStreamTrack } from '@callport/test-environment'
import { createFakeTwilioVideo, FakeLocalDataTrack, FakeLocalMediaTrack, type FakeRoom } from './fake-twilio-video'

/** A Twilio network quality level for each of Callport's qualities (the adapter maps 5/4, 3, 2/1, 0). */
export const levelOf: Readonly<Record<ConnectionQuality, number>> = { excellent: 5, good: 3, poor: 2, lost: 0 }
import { credentials } from './twilio-harness'

/**
 * For client tests: a fake Twilio cloud, the fake twilio-video over it, and real Access Tokens from
 * the server half (issuing needs no REST call).
 */
export function createClientHarness() {
  const cloud = new FakeTwilioCloud(credentials)
  const video = createFakeTwilioVideo(cloud)
  // The browser's capture: twilio-video's getUserMedia and core's captureDisplayMedia reach these devices.
  const media = createFakeMediaDevices()
  vi.stubGlobal('navigator', { mediaDevices: media })
  const { authToken: _authToken, ...keys } = credentials
  const server = twilio(keys)
  const wrongKey = twilio({ ...keys, apiKeySecret: 'a-secret-twilio-does-not-know' })

  const issue = (room: string, identity: string, ttlSeconds = 600, adapter = server): Promise<Token> =>
    adapter.issueToken({ room: { name: room, provider: 'twilio', providerRoomId: `RM${'0'.repeat(32)}` }, participant: { identity, role: 'publisher' }, ttlSeconds })

  /** Connects someone else with the fake twilio-video directly, as another page would. */
  async function joinRemote(room: string, identity: string) {
    const connected: FakeRoom = await video.connect((await issue(room, identity)).value, { name: room, audio: false, video: false })
    const received: string[] = []
    connected.on('trackMessage', (data: string) => received.push(data))
    let camera: FakeLocalMediaTrack | undefined
    let screen: FakeLocalMediaTrack | undefined
    let data: FakeLocalDataTrack | undefined
    return {
      room: connected,
      received,
      leave: async () => void connected.disconnect(),
      async setCameraEnabled(enabled: boolean) {
        if (enabled) {
          camera = new FakeLocalMediaTrack('video')
          await connected.localParticipant.publishTrack(camera)
        } else if (camera) connected.localParticipant.unpublishTrack(camera)
      },
      /** Disables or enables the published camera (LocalVideoTrack `disable()` / `enable()`), keeping it published. */
      async setCameraMuted(muted: boolean) {
        camera?.enable(!muted)
      },
      /** Publishes a track as twilio-video would (`name` as given to `LocalVideoTrack`/`LocalAudioTrack`), disabled when `enabled` is false. */
      async publish(kind: 'audio' | 'video', name: string, enabled = true) {
        const track = new FakeLocalMediaTrack(kind, name).enable(enabled)
        await connected.localParticipant.publishTrack(track)
        return track
      },
      /** Twilio's Dominant Speaker Detection names this participant (level above 0) or nobody (0). */
      async setSpeaking(level: number) {
        cloud.setDominantSpeaker(room, level > 0 ? identity : null)
      },
      /** Twilio's Network Quality API scores this participant's network. */
      async setConnectionQuality(quality: ConnectionQuality) {
        cloud.setNetworkQuality(room, identity, levelOf[quality])
      },
      /** Shares a screen as a Callport page on Twilio does: a LocalVideoTrack named `screen`. */
      async setScreenShareEnabled(enabled: boolean) {
        if (enabled) {
          screen = new FakeLocalMediaTrack('video', 'screen', new FakeMediaStreamTrack('video', 'screen:0:0', undefined) as unknown as MediaStreamTrack)
          await connected.localParticipant.publishTrack(screen)
        } else if (screen) connected.localParticipant.unpublishTrack(screen)
      },
      async sendData(message: string) {
        if (!data) {
          data = new FakeLocalDataTrack()
          await connected.localParticipant.publishTrack(data)
        }
        data.send(message)
      },
    }
  }

  /** The local participant's published track of `kind` whose MediaStreamTrack captures from `deviceId`. */
  const publishedFrom = (room: string, identity: string, deviceId: string): FakeMediaStreamTrack | undefined => {
    const client = video.rooms.find((candidate) => candidate.name === room && candidate.identity === identity && candidate.state !== 'disconnected')
    const publications = client ? [...client.localParticipant.audioTracks.values(), ...client.localParticipant.videoTracks.values()] : []
    const found = publications.find(({ track }) => track.mediaStreamTrack.getSettings().deviceId === deviceId)
    return found?.track.mediaStreamTrack as unknown as FakeMediaStreamTrack | undefined
  }

  return {
    cloud,
    video,
    media,
    issue,
    joinRemote,
    publishedFrom,
    refused: (room: string, identity: string) => issue(room, identity, 600, wrongKey),
  }
}

/** ConnectOptions for the client tests: `audio` and `video` from `defaults`, then `extra`. */
export const connectOptions = (extra: Partial<ConnectOptions> = {}, defaults = { audio: true, video: true }): ConnectOptions => ({
  ...defaults,
  refreshToken: () => Promise.reject(new Error('not used')),
  ...extra,
})

/** alice, connected to `standup` through the client adapter over a fresh harness, with the fake Room her connect made. */
export async function connectAlice(options: ConnectOptions, adapterOptions: Parameters<typeof twilioClient>[0] = {}) {
  const harness = createClientHarness()
  const adapter = twilioClient({ sdk: harness.video, ...adapterOptions })
  const connection = await adapter.connect(await harness.issue('standup', 'alice'), options)
  const room = harness.video.rooms.at(-1)!
  return { harness, adapter, connection, room }
}
