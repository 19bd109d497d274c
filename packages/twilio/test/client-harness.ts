import type { Token } from '@callport/core'
import { twilio } from '../src/server/index'
import { FakeTwilioCloud } from './fake-twilio-cloud'
import { createFakeTwilioVideo, FakeLocalDataTrack, FakeLocalMediaTrack, type FakeRoom } from './fake-twilio-video'
import { credentials } from './twilio-harness'

/**
 * For client tests: a fake Twilio cloud, the fake twilio-video over it, and real Access Tokens from
 * the server half (issuing needs no REST call).
 */
export function createClientHarness() {
  const cloud = new FakeTwilioCloud(credentials)
  const video = createFakeTwilioVideo(cloud)
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
      async sendData(message: string) {
        if (!data) {
          data = new FakeLocalDataTrack()
          await connected.localParticipant.publishTrack(data)
        }
        data.send(message)
      },
    }
  }

  return { cloud, video, issue, joinRemote, refused: (room: string, identity: string) => issue(room, identity, 600, wrongKey) }
}
