import type * as OpenViduBrowserNewest from 'openvidu-browser'
import type { PublisherProperties as PublisherPropertiesNewest, Session as SessionNewest } from 'openvidu-browser'
import type * as OpenViduBrowserOldest from 'openvidu-browser-oldest'
import type { PublisherProperties as PublisherPropertiesOldest } from 'openvidu-browser-oldest'
import type { VendorObjectOf } from '@callport/core'
import { describe, expectTypeOf, it } from 'vitest'
import type { OpenViduClientAdapter, openvidu } from '../src/client/index'
import type {
  OpenViduBrowser,
  OpenViduBrowserConnection,
  OpenViduBrowserConnectionEvent,
  OpenViduBrowserConstructor,
  OpenViduBrowserNetworkQualityLevelChangedEvent,
  OpenViduBrowserPublisherSpeakingEvent,
  OpenViduBrowserPublisher,
  OpenViduBrowserPublisherProperties,
  OpenViduBrowserSession,
  OpenViduBrowserSessionDisconnectedEvent,
  OpenViduBrowserSignalEvent,
  OpenViduBrowserStream,
  OpenViduBrowserStreamEvent,
  OpenViduBrowserSubscriber,
} from '../src/client/openvidu-browser-types'

/**
 * The classes the adapter uses, as an openvidu-browser module exports them: the OpenVidu constructor,
 * and each class's instances (its `prototype`) satisfy the type the adapter is written against.
 */
interface OpenViduBrowserClasses {
  OpenVidu: OpenViduBrowserConstructor & { prototype: OpenViduBrowser }
  Session: { prototype: OpenViduBrowserSession }
  Publisher: { prototype: OpenViduBrowserPublisher }
  Subscriber: { prototype: OpenViduBrowserSubscriber }
  Stream: { prototype: OpenViduBrowserStream }
  Connection: { prototype: OpenViduBrowserConnection }
}

/** The event classes the adapter listens to, as an openvidu-browser module exports them. */
interface OpenViduBrowserEvents {
  ConnectionEvent: { prototype: OpenViduBrowserConnectionEvent }
  StreamEvent: { prototype: OpenViduBrowserStreamEvent }
  SessionDisconnectedEvent: { prototype: OpenViduBrowserSessionDisconnectedEvent }
  SignalEvent: { prototype: OpenViduBrowserSignalEvent }
  PublisherSpeakingEvent: { prototype: OpenViduBrowserPublisherSpeakingEvent }
  NetworkQualityLevelChangedEvent: { prototype: OpenViduBrowserNetworkQualityLevelChangedEvent }
}

/**
 * Both ends of the peer range satisfy the types the adapter is written against: the newest (the
 * devDependency openvidu-browser, 2.32) and the oldest (2.23.0, the devDependency openvidu-browser-oldest).
 */
describe('openvidu-browser, newest and oldest (2.23.0) of the peer range, fits the adapter', () => {
  it('OpenVidu, Session, Publisher, Subscriber, Stream and Connection', () => {
    expectTypeOf<typeof OpenViduBrowserNewest>().toExtend<OpenViduBrowserClasses>()
    expectTypeOf<typeof OpenViduBrowserOldest>().toExtend<OpenViduBrowserClasses>()
  })

  it('the events the adapter listens to', () => {
    expectTypeOf<typeof OpenViduBrowserNewest>().toExtend<OpenViduBrowserEvents>()
    expectTypeOf<typeof OpenViduBrowserOldest>().toExtend<OpenViduBrowserEvents>()
  })

  it("the publisher properties the adapter sets are openvidu-browser's", () => {
    expectTypeOf<OpenViduBrowserPublisherProperties>().toExtend<PublisherPropertiesNewest>()
    expectTypeOf<OpenViduBrowserPublisherProperties>().toExtend<PublisherPropertiesOldest>()
  })

  it("the vendor object is the Session type the adapter declares, which openvidu-browser's Session satisfies", () => {
    expectTypeOf<VendorObjectOf<OpenViduClientAdapter>>().toEqualTypeOf<OpenViduBrowserSession>()
    expectTypeOf<VendorObjectOf<ReturnType<typeof openvidu>>>().toEqualTypeOf<OpenViduBrowserSession>()
    expectTypeOf<SessionNewest>().toExtend<VendorObjectOf<OpenViduClientAdapter>>()
  })
})
