import type { DisconnectReason, Room, Token } from '@callport/core'
import { requireTool, startJanus, type JanusServer } from '@callport/test-environment'
import { runServerAdapterSuite } from '@callport/testkit'
import { afterAll, beforeAll, describe } from 'vitest'
import { decodeJanusDisplay, splitJanusTokenValue } from '../src/shared/connect-parameters'
import { janus } from '../src/server/index'
import { janusRequest, joinVideoRoom, openVideoRoomHandle, VideoRoomRefusal } from './videoroom-participant'

const secret = 'janus-conformance-secret-0123456789'
const tool = requireTool('janus', 'janus')

describe.skipIf(!tool.available)("against Debian's Janus", { meta: { skipReason: tool.skipReason } }, () => {
  let server: JanusServer
  beforeAll(async () => {
    server = await startJanus({ tokenAuthSecret: secret })
  }, 30_000)
  afterAll(() => server?.stop())

  /** One VideoRoom request with the token, straight to Janus (the suite's back door). */
  const videoRoom = async (token: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const { session, handle } = await openVideoRoomHandle(server.url, token)
    try {
      return (await janusRequest(server.url, { janus: 'message', token, body }, `/${session}/${handle}`)).plugindata!.data
    } finally {
      await janusRequest(server.url, { janus: 'destroy', token }, `/${session}`)
    }
  }
  /** A core token of the suite's own, issued through the adapter for a throwaway subscriber (no Janus request). */
  const backDoorToken = async (): Promise<string> => {
    const adapter = janus({ url: server.url, tokenSecret: secret, environmentVariables: {} })
    const room = await adapter.ensureRoom({ name: 'conformance-back-door' })
    const token = await adapter.issueToken({ room, participant: { identity: 'back-door', role: 'subscriber' }, ttlSeconds: 600 })
    return splitJanusTokenValue(token.value)!.core
  }

  /**
   * Whether Janus admits the token's holder into `token.providerRoomId`: a publisher's token joins as a
   * VideoRoom publisher (and leaves); a subscriber's must pass VideoRoom's signed token check, which
   * comes before the feed lookup (428 no such feed = admitted; 403 from the core or 433 = refused).
   */
  const verifyToken = async (token: Token): Promise<boolean> => {
    if (!splitJanusTokenValue(token.value)) return false
    const room = Number(token.providerRoomId)
    try {
      const joined = await joinVideoRoom(server.url, token, token.connect.publish === true ? { room } : { room, ptype: 'subscriber', feed: 1 })
      await joined.leave()
      return true
    } catch (error) {
      return error instanceof VideoRoomRefusal && error.code === 428
    }
  }

  runServerAdapterSuite({
    name: 'janus',
    createAdapter: () => janus({ url: server.url, tokenSecret: secret, retry: { limit: 0 }, environmentVariables: {} }),
    // A Node participant joins the VideoRoom room over the Janus HTTP API with the issued token (no
    // media): kicked, VideoRoom tells it `leaving: ok, reason: kicked`, which a page reports as removed.
    join: async ({ token, participant }) => {
      const joined = await joinVideoRoom(server.url, token, participant.name === undefined ? {} : { name: participant.name })
      let left = false
      return {
        leave: async () => {
          left = true
          await joined.leave()
        },
        disconnectReason: (): DisconnectReason | undefined => (joined.kicked() ? 'removed' : left ? 'client-initiated' : undefined),
      }
    },
    vendor: {
      verifyToken,
      roomExists: async (room: Room) => (await videoRoom(await backDoorToken(), { request: 'exists', room: Number(room.providerRoomId) })).exists === true,
      participants: async (room: Room) => {
        const answer = await videoRoom(await backDoorToken(), { request: 'listparticipants', room: Number(room.providerRoomId) })
        return ((answer.participants ?? []) as { id: number; display?: string }[]).map((entry) => decodeJanusDisplay(entry.display)?.identity ?? `janus-${entry.id}`)
      },
    },
  })
})
