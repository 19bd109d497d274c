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
  // A second participant connected through the fake livekit-client, with every back door the suite names.
  remote: { join: ({ room, identity }, harness) => harness.joinRemote(room, identity) },
  local: {
    // The fake browser's second device of the kind (the first, its default, is in use at connect).
    deviceId: (kind) => (kind === 'camera' ? 'camera-2' : 'microphone-2'),
    unplugDevice: async ({ room, identity, deviceId }, harness) => harness.unplugDevice(room, identity, deviceId),
    setConnectionQuality: async ({ room, identity, quality }, harness) => harness.cloud.setConnectionQuality(room, identity, liveKitQualityOf[quality]),
  },
  moderator: {
    muteParticipant: async ({ room, identity, kind }, harness) => void (await harness.muteParticipant(room, identity, kind)),
  },
})
