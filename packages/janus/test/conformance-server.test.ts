import type { DisconnectReason, Room, Token } from '@callport/core'
import { requireTool, startJanus, type JanusServer } from '@callport/test-environment'
import { runServerAdapterSuite } from '@callport/testkit'
import { afterAll, beforeAll, describe } from 'vitest'
import { decodeJanusDisplay, splitJanusTokenValue } from '../src/shared/connect-parameters'
import { janus } from '../src/server/index'
import { janusRequest, joinVideoRoom, openVideoRoomHandle, VideoRoomRefusal } from './videoroom-participant'

const secret = 'janus-conformance-secret-0123456789'
const tool = requireTool('janus', 'janus')

/** VideoRoom's admin_key, which placing rooms across several servers needs (to list private rooms). */
const adminKey = 'janus-conformance-admin-key'

/** The suite against one Debian Janus (`url`), or rooms placed across two (`servers`). */
const describeConformance = (count: 1 | 2) =>
  describe.skipIf(!tool.available)(
    count === 1 ? "against Debian's Janus" : "with rooms placed across two of Debian's Janus servers",
    { meta: { skipReason: tool.skipReason } },
    () => {
      let servers: JanusServer[] = []
      beforeAll(async () => {
        servers = await Promise.all(Array.from({ length: count }, () => startJanus({ tokenAuthSecret: secret, ...(count === 2 ? { videoRoomAdminKey: adminKey } : {}) })))
      }, 30_000)
      afterAll(() => Promise.all(servers.map((server) => server.stop())))

      const settings = () => (count === 1 ? { url: servers[0]!.url } : { servers: servers.map((server, index) => ({ url: server.url, id: `janus-${index + 1}` })), adminKey })
      /** The Janus API URL and VideoRoom id of a room, from its providerRoomId (`janus-<n>/<id>` with two servers). */
      const placeOf = (providerRoomId: string): { url: string; room: number } => {
        const [, server, id] = /^(?:janus-(\d)\/)?(\d+)$/.exec(providerRoomId) ?? []
        return { url: servers[server === undefined ? 0 : Number(server) - 1]!.url, room: Number(id) }
      }

      /** One VideoRoom request with the token, straight to the Janus at `url` (the suite's back door). */
      const videoRoom = async (url: string, token: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
        const { session, handle } = await openVideoRoomHandle(url, token)
        try {
          return (await janusRequest(url, { janus: 'message', token, body }, `/${session}/${handle}`)).plugindata!.data
        } finally {
          await janusRequest(url, { janus: 'destroy', token }, `/${session}`)
        }
      }
      /** A core token of the suite's own (valid on every server: one secret), issued through the adapter for a throwaway subscriber (no Janus request). */
      const backDoorToken = async (): Promise<string> => {
        const adapter = janus({ url: servers[0]!.url, tokenSecret: secret, ...(count === 2 ? { adminKey } : {}), environmentVariables: {} })
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
        const { url, room } = placeOf(token.providerRoomId)
        try {
          const joined = await joinVideoRoom(url, token, token.connect.publish === true ? { room } : { room, ptype: 'subscriber', feed: 1 })
          await joined.leave()
          return true
        } catch (error) {
          return error instanceof VideoRoomRefusal && error.code === 428
        }
      }

      runServerAdapterSuite({
        name: 'janus',
        createAdapter: () => janus({ ...settings(), tokenSecret: secret, retry: { limit: 0 }, environmentVariables: {} }),
        // A Node participant joins the VideoRoom room over the Janus HTTP API with the issued token (no
        // media): kicked, VideoRoom tells it `leaving: ok, reason: kicked`, which a page reports as removed.
        join: async ({ token, participant }) => {
          const joined = await joinVideoRoom(String(token.connect.url), token, participant.name === undefined ? {} : { name: participant.name })
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
          roomExists: async (room: Room) => {
            const { url, room: id } = placeOf(room.providerRoomId)
            return (await videoRoom(url, await backDoorToken(), { request: 'exists', room: id })).exists === true
          },
          participants: async (room: Room) => {
            const { url, room: id } = placeOf(room.providerRoomId)
            const answer = await videoRoom(url, await backDoorToken(), { request: 'listparticipants', room: id })
            return ((answer.participants ?? []) as { id: number; display?: string }[]).map((entry) => decodeJanusDisplay(entry.display)?.identity ?? `janus-${entry.id}`)
          },
        },
      })
    },
  )

describeConformance(1)
describeConformance(2)
