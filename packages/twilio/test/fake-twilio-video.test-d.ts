import type {
  connect,
  ConnectOptions,
  createLocalVideoTrack,
  LocalAudioTrack,
  LocalDataTrack,
  LocalParticipant,
  LocalTrackPublication,
  LocalVideoTrack,
  RemoteParticipant,
  RemoteTrackPublication,
  RemoteVideoTrack,
  Room,
} from 'twilio-video'
import { describe, expectTypeOf, it } from 'vitest'
import type { TwilioLocalMediaTrack, TwilioRemoteMediaTrack, TwilioRemoteTrackPublication, TwilioRoom, TwilioVideo } from '../src/client/twilio-video-types'
import type {
  FakeLocalDataTrack,
  FakeLocalMediaTrack,
  FakeLocalParticipant,
  FakeLocalTrackPublication,
  FakeRemoteMediaTrack,
  FakeRemoteParticipant,
  FakeRemoteTrackPublication,
  FakeRoom,
  FakeTwilioVideo,
} from './fake-twilio-video'

/** The fake twilio-video cannot drift from the real one: its shapes are checked against twilio-video's declarations. */
describe('the fake twilio-video', () => {
  it("connect takes the arguments of twilio-video's connect and returns a cancelable Room", () => {
    expectTypeOf<Parameters<FakeTwilioVideo['connect']>>().toEqualTypeOf<Parameters<typeof connect>>()
    expectTypeOf<ReturnType<FakeTwilioVideo['connect']>>().toHaveProperty('cancel')
    expectTypeOf<ConnectOptions>().toExtend<NonNullable<Parameters<FakeTwilioVideo['connect']>[1]>>()
  })

  it("its LocalAudioTrack / LocalVideoTrack constructors and createLocal…Track take twilio-video's arguments", () => {
    expectTypeOf<ConstructorParameters<FakeTwilioVideo['LocalVideoTrack']>>().toEqualTypeOf<ConstructorParameters<typeof LocalVideoTrack>>()
    expectTypeOf<ConstructorParameters<FakeTwilioVideo['LocalAudioTrack']>>().toEqualTypeOf<ConstructorParameters<typeof LocalAudioTrack>>()
    expectTypeOf<Parameters<FakeTwilioVideo['createLocalVideoTrack']>>().toEqualTypeOf<Parameters<typeof createLocalVideoTrack>>()
  })

  it('its classes carry the fields of the real ones they stand for', () => {
    expectTypeOf<FakeRoom>().toExtend<Pick<Room, 'sid' | 'name' | 'state' | 'isRecording' | 'mediaRegion'>>()
    expectTypeOf<FakeRemoteParticipant>().toExtend<Pick<RemoteParticipant, 'sid' | 'identity' | 'state'>>()
    expectTypeOf<FakeRemoteMediaTrack>().toExtend<Pick<RemoteVideoTrack, 'sid' | 'name' | 'isEnabled' | 'isStarted' | 'isSwitchedOff' | 'mediaStreamTrack'>>()
    expectTypeOf<FakeLocalMediaTrack>().toExtend<Pick<LocalAudioTrack, 'id' | 'name' | 'isEnabled' | 'isStopped' | 'mediaStreamTrack'>>()
    expectTypeOf<FakeRemoteParticipant>().toExtend<Pick<RemoteParticipant, 'networkQualityLevel'>>()
    expectTypeOf<FakeLocalParticipant>().toExtend<Pick<LocalParticipant, 'networkQualityLevel'>>()
    expectTypeOf<FakeLocalTrackPublication>().toExtend<Pick<LocalTrackPublication, 'trackSid' | 'trackName' | 'kind'>>()
    expectTypeOf<FakeRoom['dominantSpeaker']>().toExtend<TwilioRoom['dominantSpeaker']>()
    expectTypeOf<FakeRemoteTrackPublication>().toExtend<Pick<RemoteTrackPublication, 'trackSid' | 'trackName' | 'kind' | 'isTrackEnabled'>>()
    expectTypeOf<FakeLocalDataTrack>().toExtend<Pick<LocalDataTrack, 'id' | 'kind' | 'name' | 'ordered' | 'reliable'>>()
  })

  it('stands where the adapter expects twilio-video', () => {
    expectTypeOf<FakeTwilioVideo>().toExtend<TwilioVideo>()
    expectTypeOf<FakeRoom>().toExtend<TwilioRoom>()
    expectTypeOf<FakeRemoteMediaTrack>().toExtend<TwilioRemoteMediaTrack>()
    expectTypeOf<FakeLocalMediaTrack>().toExtend<TwilioLocalMediaTrack>()
    expectTypeOf<FakeRemoteTrackPublication>().toExtend<TwilioRemoteTrackPublication>()
  })
})
