import type * as TwilioVideoModule from 'twilio-video'
import type {
  ConnectOptions,
  LocalAudioTrack,
  LocalDataTrack,
  LocalParticipant,
  LocalVideoTrack,
  RemoteAudioTrack,
  RemoteDataTrack,
  RemoteParticipant,
  RemoteTrackPublication,
  RemoteVideoTrack,
  Room,
  TwilioError,
} from 'twilio-video'
import { describe, expectTypeOf, it } from 'vitest'
import type {
  TwilioConnectOptions,
  TwilioLocalDataTrack,
  TwilioLocalMediaTrack,
  TwilioLocalParticipant,
  TwilioRemoteDataTrack,
  TwilioRemoteMediaTrack,
  TwilioRemoteParticipant,
  TwilioRemoteTrackPublication,
  TwilioRoom,
  TwilioVideo,
  TwilioVideoError,
} from '../src/client/twilio-video-types'

/** The newest twilio-video of the peer range (the devDependency twilio-video, 2.36): its declarations satisfy the types the adapter is written against. */
describe('twilio-video fits the adapter', () => {
  it('the module: connect, local track factories and LocalDataTrack', () => {
    expectTypeOf<typeof TwilioVideoModule>().toExtend<TwilioVideo>()
  })

  it('Room, participants and tracks', () => {
    expectTypeOf<Room>().toExtend<TwilioRoom>()
    expectTypeOf<LocalParticipant>().toExtend<TwilioLocalParticipant>()
    expectTypeOf<RemoteParticipant>().toExtend<TwilioRemoteParticipant>()
    expectTypeOf<RemoteTrackPublication>().toExtend<TwilioRemoteTrackPublication>()
    expectTypeOf<RemoteVideoTrack>().toExtend<TwilioRemoteMediaTrack>()
    expectTypeOf<RemoteAudioTrack>().toExtend<TwilioRemoteMediaTrack>()
    expectTypeOf<RemoteDataTrack>().toExtend<TwilioRemoteDataTrack>()
    expectTypeOf<LocalAudioTrack>().toExtend<TwilioLocalMediaTrack>()
    expectTypeOf<LocalVideoTrack>().toExtend<TwilioLocalMediaTrack>()
    expectTypeOf<LocalDataTrack>().toExtend<TwilioLocalDataTrack>()
    expectTypeOf<TwilioError>().toExtend<TwilioVideoError>()
  })

  it('the options the adapter passes are twilio-video ConnectOptions', () => {
    expectTypeOf<Pick<TwilioConnectOptions, 'name' | 'audio' | 'video'>>().toExtend<ConnectOptions>()
  })
})
