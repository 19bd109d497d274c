import type {
  ActiveDeviceChangedEvent,
  ActiveSpeakersChangedEvent,
  ClientAdapter,
  ClientConnection,
  ConnectionQualityChangedEvent,
  ConnectionStateChangedEvent,
  DevicesChangedEvent,
  DisconnectedEvent,
  EventContext,
  LocalTrack,
  LocalTrackEvent,
  MediaDevice,
  MutedByModeratorEvent,
  ParticipantEvent,
  Token,
  TrackEvent,
} from '@callport/core'
import { describe, expectTypeOf, it } from 'vitest'
import { createLocalTracks, createSession, listDevices, watchDevices, type Session } from './index'

declare const session: Session

describe('Session event types', () => {
  it('types each payload', () => {
    session.on('participant-joined', (event) => expectTypeOf(event).toEqualTypeOf<ParticipantEvent>())
    session.on('participant-left', (event) => expectTypeOf(event).toEqualTypeOf<ParticipantEvent>())
    session.on('reconnected', (event) => expectTypeOf(event).toEqualTypeOf<EventContext>())
    session.on('track-subscribed', (event) => expectTypeOf(event).toEqualTypeOf<TrackEvent>())
    session.on('connection-state-changed', (event) => expectTypeOf(event).toEqualTypeOf<ConnectionStateChangedEvent>())
    session.on('disconnected', (event) => expectTypeOf(event).toEqualTypeOf<DisconnectedEvent>())
    session.on('token-refreshed', ({ token }) => expectTypeOf(token).toEqualTypeOf<Token>())
  })

  it('refuses unknown event names', () => {
    // @ts-expect-error not a session event
    session.on('participant-joind', () => {})
    // @ts-expect-error vendor event names are not session events
    session.on('participantConnected', () => {})
    // @ts-expect-error not a session event
    session.once('error', () => {})
  })

  it('refuses wrong payload types', () => {
    // @ts-expect-error participant-joined carries one event object
    session.on('participant-joined', (participant: string) => participant)
    // @ts-expect-error the participant is inside the event, not a second argument
    session.emit('participant-joined', { identity: 'bob', role: 'publisher' }, {})
    // @ts-expect-error the state change carries an event object, not the state name
    session.on('connection-state-changed', (state: 'connected') => state)
    // @ts-expect-error emit must match the payload too
    session.emit('disconnected', { reason: 'bored' })
  })

  it('types the options and the API', () => {
    expectTypeOf(session.state).toEqualTypeOf<'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected'>()
    expectTypeOf(session.join).returns.resolves.toHaveProperty('providerRoomId')
    // @ts-expect-error the token function must return a Token or JoinResponse
    createSession({ adapters: [], token: async () => 'a token' })
    // @ts-expect-error reconnect settings are numbers
    createSession({ adapters: [], token: '/join', reconnect: { maximumAttempts: 'many' } })
    createSession({ adapters: [], token: '/join', reconnect: { maximumAttempts: 3, initialDelay: 250, maximumDelay: 5000 } })
    // The deprecated names still compile (docs of earlier releases show them).
    createSession({ adapters: [], token: '/join', reconnect: { maxAttempts: 3, initialDelayMs: 250, maxDelayMs: 5000 } })
    // @ts-expect-error unknown options are refused
    createSession({ adapters: [], token: '/join', refreshLead: 60 })
  })
})

/** An adapter whose connections carry a typed vendor object, as twilio's and openvidu's do. */
interface VendorRoom {
  sid: string
  disconnect(): void
}
declare const typedAdapter: ClientAdapter & { connect(...args: Parameters<ClientAdapter['connect']>): Promise<ClientConnection & { readonly vendor: VendorRoom }> }
declare const plainAdapter: ClientAdapter

describe('call surface types', () => {
  it('types the new events', () => {
    session.on('devices-changed', (event) => expectTypeOf(event).toEqualTypeOf<DevicesChangedEvent>())
    session.on('devices-changed', ({ devices }) => expectTypeOf(devices).toEqualTypeOf<MediaDevice[]>())
    session.on('active-device-changed', (event) => expectTypeOf(event).toEqualTypeOf<ActiveDeviceChangedEvent>())
    session.on('local-track-published', ({ track }) => expectTypeOf(track).toEqualTypeOf<LocalTrack>())
    session.on('local-track-unpublished', (event) => expectTypeOf(event).toEqualTypeOf<LocalTrackEvent>())
    session.on('active-speakers-changed', (event) => expectTypeOf(event).toEqualTypeOf<ActiveSpeakersChangedEvent>())
    session.on('connection-quality-changed', ({ quality }) => expectTypeOf(quality).toEqualTypeOf<'excellent' | 'good' | 'poor' | 'lost'>())
    session.on('connection-quality-changed', (event) => expectTypeOf(event).toEqualTypeOf<ConnectionQualityChangedEvent>())
    session.on('muted-by-moderator', (event) => expectTypeOf(event).toEqualTypeOf<MutedByModeratorEvent>())
    session.on('participant-updated', (event) => expectTypeOf(event).toEqualTypeOf<ParticipantEvent>())
    session.on('track-muted', (event) => expectTypeOf(event).toEqualTypeOf<TrackEvent>())
    // @ts-expect-error the event carries the devices in an object
    session.on('devices-changed', (devices: MediaDevice[]) => devices)
    // @ts-expect-error not a reason the contract knows
    session.emit('active-device-changed', { kind: 'camera', deviceId: 'x', reason: 'replaced' })
  })

  it('types vendorObject by the adapter passed', () => {
    expectTypeOf(session.vendorObject(typedAdapter)).toEqualTypeOf<VendorRoom | undefined>()
    expectTypeOf(session.vendorObject(plainAdapter)).toEqualTypeOf<unknown>()
    // @ts-expect-error only an adapter names a vendor object
    session.vendorObject({ provider: 'twilio' })
  })

  it('types the device, screen share and preparation methods and the standalone functions', () => {
    expectTypeOf(session.localTracks()).toEqualTypeOf<LocalTrack[]>()
    expectTypeOf(session.switchDevice).parameter(0).toEqualTypeOf<'camera' | 'microphone' | 'speaker'>()
    // @ts-expect-error a device kind of the contract
    void session.switchDevice('videoinput', 'id')
    void session.setScreenShareEnabled(true, { audio: true })
    // @ts-expect-error screen share options are { audio }
    void session.setScreenShareEnabled(true, { video: true })
    expectTypeOf(session.prepare('standup', { signal: new AbortController().signal })).toEqualTypeOf<Promise<void>>()
    void session.join('standup', { tracks: [] as LocalTrack[] })
    expectTypeOf(createLocalTracks({ audio: { deviceId: 'microphone-1', echoCancellation: true }, video: false })).toEqualTypeOf<Promise<LocalTrack[]>>()
    expectTypeOf(listDevices({ requestPermission: false })).toEqualTypeOf<Promise<MediaDevice[]>>()
    expectTypeOf(watchDevices(() => {})).toEqualTypeOf<() => void>()
    createSession({ adapters: [], token: { url: '/join', headers: async () => ({ authorization: 'Bearer x' }), credentials: 'include' } })
    // @ts-expect-error credentials is fetch's RequestCredentials
    createSession({ adapters: [], token: { url: '/join', credentials: 'always' } })
  })
})
