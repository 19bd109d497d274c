import type * as TwilioVideoModule from 'twilio-video-oldest'
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
} from 'twilio-video-oldest'
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

/** The oldest twilio-video of the peer range (2.14.0: the first whose declarations let twilio({ sdk: Video }) typecheck; the devDependency twilio-video-oldest): its declarations satisfy the types the adapter is written against. */
describe('twilio-video 2.14.0 (the oldest of the peer range) fits the adapter', () => {
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
