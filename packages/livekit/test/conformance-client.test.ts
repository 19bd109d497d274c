import { runClientAdapterSuite } from '@callport/testkit'
import { afterAll, beforeAll, vi } from 'vitest'
import { livekit } from '../src/client/index'
import { createClientHarness, createCloud, liveKitQualityOf } from './client-harness'

/**
 * The client adapter over the fake livekit-client and the fake LiveKit cloud, with every back door
 * the suite asks for: a second participant connected through the fake SDK (camera, mute, data,
 * speaking, connection quality, UpdateParticipant through livekit-server-sdk, screen share), the
 * local devices (switch, unplug), the local connection quality, and the server half muting the
 * local participant (RoomService MutePublishedTrack, reaching the page as LiveKit's signal does).
 */
const cloud = createCloud()
beforeAll(() => cloud.start())
afterAll(() => cloud.stop())

runClientAdapterSuite({
  name: 'livekit',
  setup: () => createClientHarness(cloud),
  teardown: () => void vi.unstubAllGlobals(),
  createAdapter: (harness) => livekit({ sdk: harness.sdk }),
  issueToken: ({ room, identity }, harness) => harness.issue(room, identity),
  refusedToken: ({ room, identity }, harness) => harness.refused(room, identity),
  remote: {
    async join({ room, identity }, harness) {
      const remote = await harness.joinRemote(room, identity)
      return {
        leave: remote.leave,
        setCameraEnabled: remote.setCameraEnabled,
        setCameraMuted: remote.setCameraMuted,
        sendData: (message) => remote.sendData(message),
        receivedData: () => remote.received,
        setSpeaking: remote.setSpeaking,
        setConnectionQuality: remote.setConnectionQuality,
        updateParticipant: remote.updateParticipant,
        setScreenShareEnabled: remote.setScreenShareEnabled,
      }
    },
  },
  local: {
    // The second device of each kind among the fake browser's (the first is the default, in use at connect).
    deviceId: (kind) => (kind === 'camera' ? 'camera-2' : 'microphone-2'),
    // The device goes away: its MediaStreamTrack ends, as a browser ends it.
    async unplugDevice({ room, identity, deviceId }, harness) {
      harness.media.devices = harness.media.devices.filter((device) => device.deviceId !== deviceId)
      const track = harness.publishedFrom(room, identity, deviceId)
      if (!track) throw new Error(`nothing of ${identity} in ${room} captures from ${deviceId}`)
      track.unplug()
    },
    async setConnectionQuality({ room, identity, quality }, harness) {
      harness.cloud.setConnectionQuality(room, identity, liveKitQualityOf[quality])
    },
  },
  moderator: {
    muteParticipant: async ({ room, identity, kind }, harness) => void (await harness.muteParticipant(room, identity, kind)),
  },
})
