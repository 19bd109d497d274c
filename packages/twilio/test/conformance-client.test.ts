import { runClientAdapterSuite } from '@callport/testkit'
import { twilio } from '../src/client/index'
import { createClientHarness, levelOf } from './client-harness'

runClientAdapterSuite({
  name: 'twilio',
  setup: () => createClientHarness(),
  createAdapter: (harness) => twilio({ sdk: harness.video }),
  issueToken: ({ room, identity }, harness) => harness.issue(room, identity),
  refusedToken: ({ room, identity }, harness) => harness.refused(room, identity),
  remote: {
    async join({ room, identity }, harness) {
      const remote = await harness.joinRemote(room, identity)
      return {
        leave: remote.leave,
        setCameraEnabled: remote.setCameraEnabled,
        setCameraMuted: remote.setCameraMuted,
        sendData: remote.sendData,
        receivedData: () => remote.received,
        setSpeaking: remote.setSpeaking,
        setConnectionQuality: remote.setConnectionQuality,
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
      harness.cloud.setNetworkQuality(room, identity, levelOf[quality])
    },
  },
})
