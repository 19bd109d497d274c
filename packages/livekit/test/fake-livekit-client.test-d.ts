import type {
  LocalAudioTrack,
  LocalParticipant,
  LocalTrack,
  LocalTrackPublication,
  LocalVideoTrack,
  RemoteParticipant,
  RemoteTrack,
  RemoteTrackPublication,
  Room,
  RoomEventCallbacks,
} from 'livekit-client'
import { describe, expectTypeOf, it } from 'vitest'
import type {
  LiveKitClientModule,
  LiveKitLocalParticipant,
  LiveKitLocalTrack,
  LiveKitLocalTrackPublication,
  LiveKitRemoteParticipant,
  LiveKitRemoteTrack,
  LiveKitRemoteTrackPublication,
  LiveKitRoom,
} from '../src/client/livekit-client-types'
import type {
  FakeLiveKitClient,
  FakeLocalAudioTrack,
  FakeLocalParticipant,
  FakeLocalTrack,
  FakeLocalTrackPublication,
  FakeLocalVideoTrack,
  FakeRemoteParticipant,
  FakeRemoteTrack,
  FakeRemoteTrackPublication,
  FakeRoom,
} from './fake-livekit-client'

/** The fake livekit-client cannot drift from the real one: its shapes are checked against livekit-client's declarations. */
describe('the fake livekit-client', () => {
  it("Room takes livekit-client's constructor, connect, prepareConnection, disconnect and switchActiveDevice arguments", () => {
    expectTypeOf<ConstructorParameters<FakeLiveKitClient['Room']>>().toEqualTypeOf<ConstructorParameters<typeof Room>>()
    expectTypeOf<Parameters<FakeRoom['connect']>>().toEqualTypeOf<Parameters<Room['connect']>>()
    expectTypeOf<Parameters<FakeRoom['prepareConnection']>>().toEqualTypeOf<Parameters<Room['prepareConnection']>>()
    expectTypeOf<Parameters<FakeRoom['disconnect']>>().toEqualTypeOf<Parameters<Room['disconnect']>>()
    expectTypeOf<Parameters<FakeRoom['switchActiveDevice']>>().toEqualTypeOf<Parameters<Room['switchActiveDevice']>>()
    expectTypeOf<ReturnType<FakeRoom['switchActiveDevice']>>().toEqualTypeOf<ReturnType<Room['switchActiveDevice']>>()
  })

  it("LocalParticipant's methods take livekit-client's options", () => {
    expectTypeOf<Parameters<FakeLocalParticipant['publishTrack']>[1]>().toEqualTypeOf<Parameters<LocalParticipant['publishTrack']>[1]>()
    expectTypeOf<Parameters<FakeLocalParticipant['unpublishTrack']>[1]>().toEqualTypeOf<Parameters<LocalParticipant['unpublishTrack']>[1]>()
    expectTypeOf<Parameters<FakeLocalParticipant['publishData']>[1]>().toEqualTypeOf<Parameters<LocalParticipant['publishData']>[1]>()
    expectTypeOf<Parameters<FakeLocalParticipant['setCameraEnabled']>>().toExtend<Parameters<LocalParticipant['setCameraEnabled']>>()
    expectTypeOf<Parameters<FakeLocalParticipant['setMicrophoneEnabled']>>().toExtend<Parameters<LocalParticipant['setMicrophoneEnabled']>>()
    expectTypeOf<Parameters<FakeLocalParticipant['setScreenShareEnabled']>>().toExtend<Parameters<LocalParticipant['setScreenShareEnabled']>>()
  })

  it('its LocalAudioTrack / LocalVideoTrack constructors take the leading arguments of the real ones', () => {
    expectTypeOf<ConstructorParameters<typeof FakeLocalAudioTrack>>().toExtend<ConstructorParameters<typeof LocalAudioTrack>>()
    expectTypeOf<ConstructorParameters<typeof FakeLocalVideoTrack>>().toExtend<ConstructorParameters<typeof LocalVideoTrack>>()
  })

  it('its classes carry the fields of the real ones they stand for', () => {
    expectTypeOf<FakeRoom>().toExtend<Pick<Room, 'state' | 'name' | 'getActiveDevice'>>()
    type ParticipantField = 'sid' | 'identity' | 'name' | 'metadata' | 'attributes' | 'audioLevel' | 'isSpeaking' | 'connectionQuality' | 'isLocal'
    expectTypeOf<FakeRemoteParticipant>().toExtend<Pick<RemoteParticipant, ParticipantField>>()
    expectTypeOf<FakeLocalParticipant>().toExtend<Pick<LocalParticipant, ParticipantField>>()
    expectTypeOf<FakeRemoteTrackPublication>().toExtend<Pick<RemoteTrackPublication, 'trackSid' | 'trackName' | 'kind' | 'source' | 'isMuted' | 'isSubscribed' | 'isLocal'>>()
    expectTypeOf<FakeLocalTrackPublication>().toExtend<Pick<LocalTrackPublication, 'trackSid' | 'trackName' | 'kind' | 'source' | 'isMuted' | 'isLocal'>>()
    expectTypeOf<FakeLocalTrack>().toExtend<Pick<LocalTrack, 'id' | 'kind' | 'source' | 'sid' | 'isMuted' | 'isUserProvided' | 'mediaStreamTrack' | 'attachedElements'>>()
    expectTypeOf<FakeRemoteTrack>().toExtend<Pick<RemoteTrack, 'kind' | 'source' | 'sid' | 'isMuted' | 'mediaStreamTrack' | 'attachedElements'>>()
  })

  it("the events it emits are livekit-client's RoomEvent values", () => {
    type Emitted =
      | 'connected'
      | 'connectionStateChanged'
      | 'disconnected'
      | 'reconnecting'
      | 'reconnected'
      | 'participantConnected'
      | 'participantDisconnected'
      | 'trackPublished'
      | 'trackSubscribed'
      | 'trackUnpublished'
      | 'trackUnsubscribed'
      | 'trackMuted'
      | 'trackUnmuted'
      | 'localTrackPublished'
      | 'localTrackUnpublished'
      | 'participantMetadataChanged'
      | 'participantNameChanged'
      | 'participantAttributesChanged'
      | 'activeSpeakersChanged'
      | 'connectionQualityChanged'
      | 'dataReceived'
      | 'activeDeviceChanged'
    expectTypeOf<Emitted>().toExtend<keyof RoomEventCallbacks>()
  })

  it('stands where the adapter expects livekit-client (src/client/livekit-client-types.ts)', () => {
    expectTypeOf<FakeLiveKitClient>().toExtend<LiveKitClientModule>()
    expectTypeOf<FakeRoom>().toExtend<LiveKitRoom>()
    expectTypeOf<FakeLocalParticipant>().toExtend<LiveKitLocalParticipant>()
    expectTypeOf<FakeRemoteParticipant>().toExtend<LiveKitRemoteParticipant>()
    expectTypeOf<FakeRemoteTrackPublication>().toExtend<LiveKitRemoteTrackPublication>()
    expectTypeOf<FakeLocalTrackPublication>().toExtend<LiveKitLocalTrackPublication>()
    expectTypeOf<FakeRemoteTrack>().toExtend<LiveKitRemoteTrack>()
    expectTypeOf<FakeLocalTrack>().toExtend<LiveKitLocalTrack>()
  })
})
