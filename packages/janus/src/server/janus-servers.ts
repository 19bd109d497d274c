import { CallportError } from '@callport/core'
import { createVendorRestClient } from '@callport/provider-utils/server'
import { JANUS_PROVIDER } from '../shared/provider-id'
import { VERSION } from '../shared/version'
import { createJanusApi, type JanusApi } from './janus-api'
import type { ResolvedJanusServer, ResolvedJanusSettings } from './settings'

/** The longest a liveness check (`GET /info`) waits, in milliseconds (less when the settings' timeout is shorter). */
const LIVENESS_TIMEOUT = 2_000

/** One configured Janus server and its API. */
export interface JanusServerHandle extends ResolvedJanusServer {
  /** Its place in the configured order. */
  index: number
  api: JanusApi
  /** True when it answers `GET /info` now (one attempt, no retries, at most two seconds). */
  alive(signal?: AbortSignal): Promise<boolean>
}

/** What a server holds, as VideoRoom's `list` tells (with the `admin_key`, private rooms included). */
export interface JanusServerLoad {
  server: JanusServerHandle
  /** VideoRoom participants (publishers: subscribers are not VideoRoom participants) over every room. */
  participants: number
  rooms: number
  /** True when the server holds the VideoRoom room asked about. */
  holds: boolean
}

/** The configured Janus servers. */
export interface JanusServers {
  readonly all: readonly JanusServerHandle[]
  /** The server of a `providerRoomId`'s prefix (none: the first server), or undefined when no configured server has that id. */
  byId(id: string | undefined): JanusServerHandle | undefined
  /** The servers answering `GET /info`, in the configured order; PROVIDER_UNAVAILABLE (retryable) when none does. */
  live(operation: string, signal?: AbortSignal): Promise<JanusServerHandle[]>
  /**
   * Each server's load, from one VideoRoom `list` with the admin key: participants summed over its
   * rooms, its number of rooms, and whether it holds `roomId`.
   */
  load(server: JanusServerHandle, roomId: number, signal?: AbortSignal): Promise<JanusServerLoad>
}

/**
 * The order new rooms go in: fewest participants first, then fewest rooms, then the configured order.
 */
export function byLoad(a: JanusServerLoad, b: JanusServerLoad): number {
  return a.participants - b.participants || a.rooms - b.rooms || a.server.index - b.server.index
}

/**
 * The configured servers, each with its Janus API client (the settings' timeout and retries) and a
 * liveness check of its own (one attempt, at most two seconds: a dead server is told quickly).
 */
export function createJanusServers(settings: ResolvedJanusSettings): JanusServers {
  const all = settings.servers.map((server, index): JanusServerHandle => {
    const info = createVendorRestClient({
      provider: JANUS_PROVIDER,
      vendor: 'Janus',
      providerVersion: VERSION,
      baseUrl: server.url,
      headers: { accept: 'application/json' },
      settings: { ...settings.rest, timeout: Math.min(settings.rest.timeout, LIVENESS_TIMEOUT), retry: { ...settings.rest.retry, limit: 0 } },
    })
    return {
      ...server,
      index,
      api: createJanusApi({ ...settings, url: server.url }),
      async alive(signal) {
        try {
          const answer = await info.request<{ janus?: unknown }>({ method: 'GET', path: '/info', operation: `checking that Janus ${server.id} answers`, signal })
          return typeof answer === 'object' && answer !== null && answer.janus === 'server_info'
        } catch (error) {
          if (CallportError.isInstance(error) && error.code === 'ABORTED') throw error
          return false
        }
      },
    }
  })
  const ids = new Map(all.map((server) => [server.id, server]))
  const adminKey = settings.adminKey === undefined ? {} : { admin_key: settings.adminKey }

  return {
    all,
    byId: (id) => (id === undefined ? all[0] : ids.get(id)),
    async live(operation, signal) {
      const answers = await Promise.all(all.map((server) => server.alive(signal)))
      const live = all.filter((_, index) => answers[index])
      if (live.length > 0) return live
      throw new CallportError('PROVIDER_UNAVAILABLE', `No Janus server answers GET /info (${all.map((server) => server.id).join(', ')}) while ${operation}`, {
        provider: JANUS_PROVIDER,
        retryable: true,
        details: { servers: all.map((server) => server.id) },
      })
    },
    async load(server, roomId, signal) {
      return server.api.withVideoRoom(`weighing the load of Janus ${server.id}`, signal, async (request) => {
        const answer = await request({ request: 'list', ...adminKey }, { idempotent: true })
        const rooms = Array.isArray(answer.list) ? (answer.list as { room?: unknown; num_participants?: unknown }[]) : []
        // Asked besides the list: a Janus without VideoRoom's admin_key lists no private room.
        const holds = rooms.some((room) => room.room === roomId) || (await request({ request: 'exists', room: roomId }, { idempotent: true })).exists === true
        return {
          server,
          participants: rooms.reduce((sum, room) => sum + (typeof room.num_participants === 'number' ? room.num_participants : 0), 0),
          rooms: rooms.length,
          holds,
        }
      })
    },
  }
}
