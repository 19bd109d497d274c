import type * as LiveKitNewest from 'livekit-client'
import type * as LiveKitOldest from 'livekit-client-oldest'
import type { VendorObjectOf } from '@callport/core'
import { describe, expectTypeOf, it } from 'vitest'
import type { livekit } from '../src/client/index'
import type {
  LiveKitClientModule,
  LiveKitConnectionError,
  LiveKitConnectionQuality,
  LiveKitConnectionState,
  LiveKitDataPublishOptions,
  LiveKitLocalParticipant,
  LiveKitLocalTrack,
  LiveKitLocalTrackPublication,
  LiveKitRemoteParticipant,
  LiveKitRemoteTrack,
  LiveKitRemoteTrackPublication,
  LiveKitRoom,
  LiveKitRoomEventName,
  LiveKitRoomEvents,
  LiveKitScreenShareCaptureOptions,
  LiveKitTrackKind,
  LiveKitTrackPublishOptions,
  LiveKitTrackSource,
} from '../src/client/livekit-client-types'

/** The classes the adapter uses, as a livekit-client module exports them: each class's instances satisfy the adapter's type. */
interface LiveKitClasses {
  Room: { prototype: LiveKitRoom }
  LocalParticipant: { prototype: LiveKitLocalParticipant }
  RemoteParticipant: { prototype: LiveKitRemoteParticipant }
  LocalTrackPublication: { prototype: LiveKitLocalTrackPublication }
  RemoteTrackPublication: { prototype: LiveKitRemoteTrackPublication }
  LocalAudioTrack: { prototype: LiveKitLocalTrack }
  LocalVideoTrack: { prototype: LiveKitLocalTrack }
  RemoteAudioTrack: { prototype: LiveKitRemoteTrack }
  RemoteVideoTrack: { prototype: LiveKitRemoteTrack }
  ConnectionError: { prototype: LiveKitConnectionError }
}

/** Every event of {@link LiveKitRoomEvents}, listed so the test below registers each. */
type RegisteredEvent =
  | 'participantConnected'
  | 'participantDisconnected'
  | 'trackSubscribed'
  | 'trackUnsubscribed'
  | 'trackMuted'
  | 'trackUnmuted'
  | 'localTrackPublished'
  | 'localTrackUnpublished'
  | 'activeSpeakersChanged'
  | 'participantMetadataChanged'
  | 'participantNameChanged'
  | 'participantAttributesChanged'
  | 'participantPermissionsChanged'
  | 'connectionQualityChanged'
  | 'dataReceived'
  | 'activeDeviceChanged'
  | 'reconnecting'
  | 'reconnected'
  | 'disconnected'

describe('livekit-client, newest and oldest (2.5.0) of the peer range, fits the adapter', () => {
  it('the module: the Room constructor', () => {
    expectTypeOf<typeof LiveKitNewest>().toExtend<LiveKitClientModule>()
    expectTypeOf<typeof LiveKitOldest>().toExtend<LiveKitClientModule>()
  })

  it('Room, participants, publications, tracks and ConnectionError', () => {
    expectTypeOf<typeof LiveKitNewest>().toExtend<LiveKitClasses>()
    expectTypeOf<typeof LiveKitOldest>().toExtend<LiveKitClasses>()
  })

  it('the Room events the adapter listens to are RoomEvent values, called with the arguments the adapter reads', () => {
    const listeners = {} as LiveKitRoomEvents
    expectTypeOf<keyof LiveKitRoomEvents>().toEqualTypeOf<RegisteredEvent>()
    expectTypeOf<`${LiveKitNewest.RoomEvent}`>().toExtend<string>()
    expectTypeOf<LiveKitRoomEventName>().toExtend<`${LiveKitNewest.RoomEvent}`>()
    expectTypeOf<LiveKitRoomEventName>().toExtend<`${LiveKitOldest.RoomEvent}`>()
    // Each listener the adapter registers, typed with the structural arguments, is one the real Room.on takes.
    const newest = {} as LiveKitNewest.Room
    newest.on('participantConnected', listeners.participantConnected)
    newest.on('participantDisconnected', listeners.participantDisconnected)
    newest.on('trackSubscribed', listeners.trackSubscribed)
    newest.on('trackUnsubscribed', listeners.trackUnsubscribed)
    newest.on('trackMuted', listeners.trackMuted)
    newest.on('trackUnmuted', listeners.trackUnmuted)
    newest.on('localTrackPublished', listeners.localTrackPublished)
    newest.on('localTrackUnpublished', listeners.localTrackUnpublished)
    newest.on('activeSpeakersChanged', listeners.activeSpeakersChanged)
    newest.on('participantMetadataChanged', listeners.participantMetadataChanged)
    newest.on('participantNameChanged', listeners.participantNameChanged)
    newest.on('participantAttributesChanged', listeners.participantAttributesChanged)
    newest.on('participantPermissionsChanged', listeners.participantPermissionsChanged)
    newest.on('connectionQualityChanged', listeners.connectionQualityChanged)
    newest.on('dataReceived', listeners.dataReceived)
    newest.on('activeDeviceChanged', listeners.activeDeviceChanged)
    newest.on('reconnecting', listeners.reconnecting)
    newest.on('reconnected', listeners.reconnected)
    newest.on('disconnected', listeners.disconnected)
    const oldest = {} as LiveKitOldest.Room
    oldest.on('participantConnected', listeners.participantConnected)
    oldest.on('participantDisconnected', listeners.participantDisconnected)
    oldest.on('trackSubscribed', listeners.trackSubscribed)
    oldest.on('trackUnsubscribed', listeners.trackUnsubscribed)
    oldest.on('trackMuted', listeners.trackMuted)
    oldest.on('trackUnmuted', listeners.trackUnmuted)
    oldest.on('localTrackPublished', listeners.localTrackPublished)
    oldest.on('localTrackUnpublished', listeners.localTrackUnpublished)
    oldest.on('activeSpeakersChanged', listeners.activeSpeakersChanged)
    oldest.on('participantMetadataChanged', listeners.participantMetadataChanged)
    oldest.on('participantNameChanged', listeners.participantNameChanged)
    oldest.on('participantAttributesChanged', listeners.participantAttributesChanged)
    oldest.on('participantPermissionsChanged', listeners.participantPermissionsChanged)
    oldest.on('connectionQualityChanged', listeners.connectionQualityChanged)
    oldest.on('dataReceived', listeners.dataReceived)
    oldest.on('activeDeviceChanged', listeners.activeDeviceChanged)
    oldest.on('reconnecting', listeners.reconnecting)
    oldest.on('reconnected', listeners.reconnected)
    oldest.on('disconnected', listeners.disconnected)
  })

  it("livekit-client's string enums have the values the adapter compares with", () => {
    // The local track events the adapter listens to (its unplug fallback): TrackEvent values.
    expectTypeOf<'ended' | 'muted' | 'restarted'>().toExtend<`${LiveKitNewest.TrackEvent}`>()
    expectTypeOf<'ended' | 'muted' | 'restarted'>().toExtend<`${LiveKitOldest.TrackEvent}`>()
    expectTypeOf<`${LiveKitNewest.Track.Source}`>().toEqualTypeOf<LiveKitTrackSource>()
    expectTypeOf<`${LiveKitOldest.Track.Source}`>().toEqualTypeOf<LiveKitTrackSource>()
    expectTypeOf<`${LiveKitNewest.Track.Kind}`>().toEqualTypeOf<LiveKitTrackKind>()
    expectTypeOf<`${LiveKitOldest.Track.Kind}`>().toEqualTypeOf<LiveKitTrackKind>()
    expectTypeOf<`${LiveKitNewest.ConnectionQuality}`>().toEqualTypeOf<LiveKitConnectionQuality>()
    expectTypeOf<`${LiveKitOldest.ConnectionQuality}`>().toEqualTypeOf<LiveKitConnectionQuality>()
    expectTypeOf<`${LiveKitNewest.ConnectionState}`>().toExtend<LiveKitConnectionState>()
    expectTypeOf<`${LiveKitOldest.ConnectionState}`>().toExtend<LiveKitConnectionState>()
  })

  it('the options the adapter passes are livekit-client TrackPublishOptions, ScreenShareCaptureOptions and DataPublishOptions', () => {
    type Publish = { name?: string; source?: LiveKitNewest.Track.Source }
    expectTypeOf<Publish>().toExtend<LiveKitNewest.TrackPublishOptions>()
    expectTypeOf<{ name?: string; source?: LiveKitOldest.Track.Source }>().toExtend<LiveKitOldest.TrackPublishOptions>()
    expectTypeOf<keyof LiveKitTrackPublishOptions>().toEqualTypeOf<keyof Publish>()
    expectTypeOf<LiveKitScreenShareCaptureOptions>().toExtend<LiveKitNewest.ScreenShareCaptureOptions>()
    expectTypeOf<LiveKitScreenShareCaptureOptions>().toExtend<LiveKitOldest.ScreenShareCaptureOptions>()
    expectTypeOf<LiveKitDataPublishOptions>().toExtend<LiveKitNewest.DataPublishOptions>()
    expectTypeOf<LiveKitDataPublishOptions>().toExtend<LiveKitOldest.DataPublishOptions>()
  })

  it("types the connection's vendor as the Room of the sdk option's livekit-client (the structural LiveKitRoom without one)", () => {
    type Newest = ReturnType<typeof livekit<() => Promise<typeof LiveKitNewest>>>
    type Oldest = ReturnType<typeof livekit<typeof LiveKitOldest>>
    type Umd = ReturnType<typeof livekit>
    expectTypeOf<VendorObjectOf<Newest>>().toEqualTypeOf<LiveKitNewest.Room>()
    expectTypeOf<VendorObjectOf<Oldest>>().toEqualTypeOf<LiveKitOldest.Room>()
    expectTypeOf<VendorObjectOf<Umd>>().toEqualTypeOf<LiveKitRoom>()
  })
})
