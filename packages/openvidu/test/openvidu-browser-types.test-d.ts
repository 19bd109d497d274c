import type {
  Connection,
  ConnectionEvent,
  OpenVidu,
  Publisher,
  PublisherProperties,
  Session,
  SessionDisconnectedEvent,
  SignalEvent,
  Stream,
  StreamEvent,
  Subscriber,
} from 'openvidu-browser'
import { describe, expectTypeOf, it } from 'vitest'
import type {
  OpenViduBrowser,
  OpenViduBrowserConnection,
  OpenViduBrowserConnectionEvent,
  OpenViduBrowserConstructor,
  OpenViduBrowserPublisher,
  OpenViduBrowserPublisherProperties,
  OpenViduBrowserSession,
  OpenViduBrowserSessionDisconnectedEvent,
  OpenViduBrowserSignalEvent,
  OpenViduBrowserStream,
  OpenViduBrowserStreamEvent,
  OpenViduBrowserSubscriber,
} from '../src/client/openvidu-browser-types'

/** The newest openvidu-browser of the peer range (the devDependency openvidu-browser, 2.32): its declarations satisfy the types the adapter is written against. */
describe('openvidu-browser fits the adapter', () => {
  it('OpenVidu, Session, Publisher, Subscriber, Stream and Connection', () => {
    expectTypeOf<typeof OpenVidu>().toExtend<OpenViduBrowserConstructor>()
    expectTypeOf<OpenVidu>().toExtend<OpenViduBrowser>()
    expectTypeOf<Session>().toExtend<OpenViduBrowserSession>()
    expectTypeOf<Publisher>().toExtend<OpenViduBrowserPublisher>()
    expectTypeOf<Subscriber>().toExtend<OpenViduBrowserSubscriber>()
    expectTypeOf<Stream>().toExtend<OpenViduBrowserStream>()
    expectTypeOf<Connection>().toExtend<OpenViduBrowserConnection>()
  })

  it('the events the adapter listens to', () => {
    expectTypeOf<ConnectionEvent>().toExtend<OpenViduBrowserConnectionEvent>()
    expectTypeOf<StreamEvent>().toExtend<OpenViduBrowserStreamEvent>()
    expectTypeOf<SessionDisconnectedEvent>().toExtend<OpenViduBrowserSessionDisconnectedEvent>()
    expectTypeOf<SignalEvent>().toExtend<OpenViduBrowserSignalEvent>()
  })

  it("the publisher properties the adapter sets are openvidu-browser's", () => {
    expectTypeOf<OpenViduBrowserPublisherProperties>().toExtend<PublisherProperties>()
  })
})
