import type * as TwilioVideoNewest from 'twilio-video'
import type { ConnectOptions as ConnectOptionsNewest, CreateLocalTrackOptions as CreateNewest, LocalTrackOptions as LocalTrackOptionsNewest } from 'twilio-video'
import type * as TwilioVideoOldest from 'twilio-video-oldest'
import type { ConnectOptions as ConnectOptionsOldest, CreateLocalTrackOptions as CreateOldest, LocalTrackOptions as LocalTrackOptionsOldest } from 'twilio-video-oldest'
import type { VendorObjectOf } from '@callport/core'
import { describe, expectTypeOf, it } from 'vitest'
import type { twilio } from '../src/client/index'
import type {
  TwilioConnectOptions,
  TwilioCreateLocalTrackOptions,
  TwilioLocalDataTrack,
  TwilioLocalMediaTrack,
  TwilioLocalParticipant,
  TwilioLocalTrackOptions,
  TwilioRemoteDataTrack,
  TwilioRemoteMediaTrack,
  TwilioRemoteParticipant,
  TwilioRemoteTrackPublication,
  TwilioRoom,
  TwilioVideo,
  TwilioVideoError,
} from '../src/client/twilio-video-types'

/**
 * The classes the adapter uses, as a twilio-video module exports them: each class's instances (its
 * `prototype`) satisfy the type the adapter is written against.
 */
interface TwilioVideoClasses {
  Room: { prototype: TwilioRoom }
  LocalParticipant: { prototype: TwilioLocalParticipant }
  RemoteParticipant: { prototype: TwilioRemoteParticipant }
  RemoteTrackPublication: { prototype: TwilioRemoteTrackPublication }
  RemoteVideoTrack: { prototype: TwilioRemoteMediaTrack }
  RemoteAudioTrack: { prototype: TwilioRemoteMediaTrack }
  RemoteDataTrack: { prototype: TwilioRemoteDataTrack }
  LocalAudioTrack: { prototype: TwilioLocalMediaTrack }
  LocalVideoTrack: { prototype: TwilioLocalMediaTrack }
  LocalDataTrack: { prototype: TwilioLocalDataTrack }
  TwilioError: { prototype: TwilioVideoError }
}

/**
 * Both ends of the peer range satisfy the types the adapter is written against: the newest
 * (the devDependency twilio-video, 2.36) and the oldest (2.14.0, the devDependency
 * twilio-video-oldest: the first whose declarations let twilio({ sdk: Video }) typecheck).
 */
describe('twilio-video, newest and oldest (2.14.0) of the peer range, fits the adapter', () => {
  it('the module: connect, local track factories and LocalDataTrack', () => {
    expectTypeOf<typeof TwilioVideoNewest>().toExtend<TwilioVideo>()
    expectTypeOf<typeof TwilioVideoOldest>().toExtend<TwilioVideo>()
  })

  it('Room, participants and tracks', () => {
    expectTypeOf<typeof TwilioVideoNewest>().toExtend<TwilioVideoClasses>()
    expectTypeOf<typeof TwilioVideoOldest>().toExtend<TwilioVideoClasses>()
  })

  it('the options the adapter passes are twilio-video ConnectOptions, LocalTrackOptions and CreateLocalTrackOptions', () => {
    type Passed = Pick<TwilioConnectOptions, 'name' | 'audio' | 'video' | 'dominantSpeaker' | 'networkQuality'>
    expectTypeOf<Passed>().toExtend<ConnectOptionsNewest>()
    expectTypeOf<Passed>().toExtend<ConnectOptionsOldest>()
    expectTypeOf<TwilioLocalTrackOptions>().toExtend<LocalTrackOptionsNewest>()
    expectTypeOf<TwilioLocalTrackOptions>().toExtend<LocalTrackOptionsOldest>()
    expectTypeOf<TwilioCreateLocalTrackOptions>().toExtend<CreateNewest>()
    expectTypeOf<TwilioCreateLocalTrackOptions>().toExtend<CreateOldest>()
  })

  it("types the connection's vendor as the Room of the sdk option's twilio-video (the structural TwilioRoom without one)", () => {
    type Newest = ReturnType<typeof twilio<() => Promise<typeof TwilioVideoNewest>>>
    type Oldest = ReturnType<typeof twilio<typeof TwilioVideoOldest>>
    type Cdn = ReturnType<typeof twilio>
    expectTypeOf<VendorObjectOf<Newest>>().toEqualTypeOf<TwilioVideoNewest.Room>()
    expectTypeOf<VendorObjectOf<Oldest>>().toEqualTypeOf<TwilioVideoOldest.Room>()
    expectTypeOf<VendorObjectOf<Cdn>>().toEqualTypeOf<TwilioRoom>()
  })
})
