import type { Participant, Token } from '@callport/core'
import { openvidu as openviduServer, type OpenViduServerAdapter } from '../src/server/index'
import { createFakeOpenVidu, type FakeOpenVidu } from './fake-openvidu'
import { FakeOpenViduMedia, FakePublisher, type FakeSession } from './fake-openvidu-browser'
import { DATA_SIGNAL_TYPE } from '../src/client/openvidu-connection'
import type { useMswServer } from './msw-server'
import type { PublisherProperties } from 'openvidu-browser'

/** The fake OpenVidu (REST through msw, media through the fake openvidu-browser) and a server adapter that issues real tokens for it. */
export interface ClientHarness {
  rest: FakeOpenVidu
  media: FakeOpenViduMedia
  server: OpenViduServerAdapter
  tokenFor(room: string, participant: Participant | string): Promise<Token>
  /** Someone else joining with openvidu-browser (the fake), as a page would. */
  joinRemote(room: string, participant: Participant | string): Promise<RemoteBrowser>
  /** A page joining with a raw OpenVidu token and client data, as OpenVidu's samples do. */
  joinWithToken(token: string, clientData?: unknown): Promise<RemoteBrowser>
}

export interface RemoteBrowser {
  session: FakeSession
  leave(): Promise<void>
  setCameraEnabled(enabled: boolean): Promise<void>
  /** Turns the published camera's video off or on (`publishVideo`), keeping the stream published. */
  setCameraMuted(muted: boolean): Promise<void>
  /** Publishes a stream as openvidu-browser would with these PublisherProperties. */
  publish(properties: PublisherProperties): Promise<FakePublisher>
  sendData(data: string): Promise<void>
  receivedData(): string[]
  /**
   * Speaks (level > 0) or falls silent (0): as hark in every other page of the room, which has
   * subscribed to this participant's stream with audio (published here first if it has none),
   * `publisherStartSpeaking` / `publisherStopSpeaking` on their sessions, once per change.
   */
  setSpeaking(level: number): Promise<void>
  /** OpenVidu Pro's network quality of this connection (0 to 5), as every page of the room hears it. */
  setNetworkQualityLevel(level: number): void
}

export function startClientHarness(msw: ReturnType<typeof useMswServer>): ClientHarness {
  const rest = createFakeOpenVidu()
  msw.resetHandlers(...rest.handlers)
  const media = new FakeOpenViduMedia(rest)
  const server = openviduServer({ url: rest.url, secret: rest.secret })
  const asParticipant = (who: Participant | string): Participant => (typeof who === 'string' ? { identity: who, role: 'publisher' } : who)

  async function tokenFor(room: string, who: Participant | string): Promise<Token> {
    const live = await server.ensureRoom({ name: room })
    return server.issueToken({ room: live, participant: asParticipant(who), ttlSeconds: 600 })
  }

  return {
    rest,
    media,
    server,
    tokenFor,
    joinRemote: async (room, who) => joinWithToken((await tokenFor(room, who)).value),
    joinWithToken,
  }

  async function joinWithToken(token: string, clientData?: unknown): Promise<RemoteBrowser> {
    const openVidu = new media.OpenVidu()
    const session = openVidu.initSession() as unknown as FakeSession
    await session.connect(token, clientData)
    let publisher: FakePublisher | undefined
    let speaking = false
    let qualityLevel = 5
    const othersOf = (): FakeSession[] => (session.sessionId ? media.others(session.sessionId, session) : [])
    const publish = async (properties: PublisherProperties): Promise<FakePublisher> => {
      const published = new FakePublisher(properties)
      await session.publish(published as never)
      return published
    }
    return {
      session,
      leave: async () => session.disconnect(),
      async setCameraEnabled(enabled) {
        if (enabled) {
          publisher = new FakePublisher({ audioSource: false, publishAudio: false })
          await session.publish(publisher as never)
        } else if (publisher) {
          await session.unpublish(publisher as never)
          publisher = undefined
        }
      },
      async setCameraMuted(muted) {
        await publisher?.publishVideo(!muted)
      },
      publish,
      async setSpeaking(level) {
        const audible = [...session.publishers].find((candidate) => candidate.stream.hasAudio)
        const stream = audible?.stream ?? (await publish({ videoSource: false })).stream
        if (level > 0 === speaking || !session.connection) return
        speaking = level > 0
        for (const other of othersOf()) other.speakingEvent(speaking ? 'publisherStartSpeaking' : 'publisherStopSpeaking', session.connection, stream.streamId)
      },
      setNetworkQualityLevel(level) {
        if (!session.connection) return
        for (const other of othersOf()) other.networkQualityEvent(session.connection, level, qualityLevel)
        qualityLevel = level
      },
      sendData: (data) => session.signal({ data, type: DATA_SIGNAL_TYPE }),
      receivedData: () => session.received.filter((message) => message.from !== session.connection?.connectionId).map((message) => message.data ?? ''),
    }
  }
}
