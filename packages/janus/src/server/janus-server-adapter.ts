import { CallportError, RoomNameSchema, type Participant, type Room, type ServerAdapter, type ServerCapabilities, type Token, type TokenTtlBounds } from '@callport/core'
import { createTurnCredentials, defineServerAdapter } from '@callport/provider-utils/server'
import { decodeJanusDisplay, ICE_SERVERS_PARAMETER, joinJanusTokenValue, NAME_PARAMETER, type JanusConnectParameters } from '../shared/connect-parameters'
import { JANUS_PROVIDER } from '../shared/provider-id'
import type { VideoRoomAsyncRequest, VideoRoomRequest } from './janus-api'
import { byLoad, createJanusServers, type JanusServerHandle, type JanusServerLoad } from './janus-servers'
import { resolveJanusSettings, type JanusSettings, type ResolvedJanusServer } from './settings'
import { coreToken, expiryOfSignedToken, roomToken, videoRoomIdOf, videoRoomSecretOf } from './signed-tokens'

/**
 * Token lifetimes, in whole seconds (one minute to one day). Janus checks the core token on every
 * request of the page's session (keepalives and long polls included), so the page must move to the
 * refreshed token before this one expires; the room token is checked only when joining.
 */
export const janusTokenTtlBounds: TokenTtlBounds = { min: 60, max: 86_400 }

/**
 * What the Janus server half can do, through the VideoRoom API: rooms exist or not (`exists`), the
 * publishers in a room are listed (`listparticipants`: people who joined with a subscriber token are
 * not VideoRoom participants and are not listed), removed (`kick`), muted (`moderate`, per published
 * stream of the kind: Janus drops its packets until unmuted; what is not published yet cannot be muted
 * beforehand) and the room closed (`destroy`). Renaming is not offered (VideoRoom's `display` is the
 * page's to set); Janus's events reach no webhook (its event handlers are not set up by this provider).
 */
export const janusServerCapabilities: ServerCapabilities = {
  getRoom: true,
  listParticipants: true,
  removeParticipant: true,
  closeRoom: true,
  muteParticipant: true,
  updateParticipant: false,
  webhooks: false,
  tokenTtlSeconds: janusTokenTtlBounds,
}

/** The Janus server adapter, with its resolved (secret-free) configuration for inspection. */
export interface JanusServerAdapter extends ServerAdapter {
  readonly provider: typeof JANUS_PROVIDER
  getRoom: NonNullable<ServerAdapter['getRoom']>
  listParticipants: NonNullable<ServerAdapter['listParticipants']>
  removeParticipant: NonNullable<ServerAdapter['removeParticipant']>
  muteParticipant: NonNullable<ServerAdapter['muteParticipant']>
  closeRoom: NonNullable<ServerAdapter['closeRoom']>
  /** The Janus API URL the server half calls (the first server's, with several). */
  readonly url: string
  /** Where pages reach Janus (`token.connect.url`; the first server's, with several). */
  readonly clientUrl: string
  /** Every Janus server rooms are placed on, in the configured order (one with `url`). */
  readonly servers: readonly ResolvedJanusServer[]
}

/** How long the room token the server joins with to read the publishers' streams lives, in seconds. */
const MODERATOR_TOKEN_SECONDS = 60

/** Most publishers one room holds (VideoRoom's `publishers`; a screen share is a second publisher). */
const ROOM_PUBLISHERS = 100

/** A VideoRoom participant as `listparticipants` lists it. */
interface ListedParticipant {
  id: number
  display?: string
}

function listedOf(answer: Record<string, unknown>): ListedParticipant[] {
  const participants = Array.isArray(answer.participants) ? (answer.participants as unknown[]) : []
  return participants.flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return []
    const { id, display } = entry as { id?: unknown; display?: unknown }
    if (typeof id !== 'number') return []
    return [{ id, ...(typeof display === 'string' ? { display } : {}) }]
  })
}

/** The Callport identity of a VideoRoom participant: from the display Callport's pages write, else `janus-<id>`. */
function identityOf(listed: ListedParticipant): string {
  return decodeJanusDisplay(listed.display)?.identity ?? `janus-${listed.id}`
}

/** A room's VideoRoom room: its server, numeric id and secret. */
interface VideoRoomPlace {
  server: JanusServerHandle
  id: number
  secret: string
}

/** `providerRoomId`: `<server id>/<VideoRoom id>`, or only the VideoRoom id (the first server). */
const PROVIDER_ROOM_ID = /^(?:([^/]+)\/)?(\d+)$/

/**
 * The Janus server half: `janus(settings)` for createCallServer. A Callport room is a VideoRoom room
 * with a numeric id derived from its name (`videoRoomIdOf`: Janus's default numeric ids, no
 * `string_ids` needed), a room secret derived from the token secret (HMAC of the name, so every app
 * server agrees without shared state), `signed_tokens` (every join needs a room token) and an
 * `allowed` list holding the room tokens of publishers only, which VideoRoom checks on publisher joins:
 * a subscriber's token cannot join as a publisher, so it cannot publish (Janus refuses it, 433).
 *
 * Several Janus servers (`servers`, or several comma-separated `JANUS_URL`s): a room lives on one
 * server, and `providerRoomId` names it, `<server id>/<VideoRoom id>` (with one server, the VideoRoom
 * id alone; such an id means the first server). `ensureRoom` finds the room on the live servers (those
 * answering `GET /info`), else creates it on the least-loaded one (fewest VideoRoom participants, then
 * fewest rooms, then the configured order; a server failing meanwhile is passed over);
 * PROVIDER_UNAVAILABLE (retryable) when none answers. A room whose server does not answer is gone:
 * `getRoom` says null, `issueToken` ROOM_NOT_FOUND (so the call server creates it again on a live
 * server and rewrites its record in the room store: with a shared store, such as Redis, every app
 * server follows), moderation ROOM_NOT_FOUND, and `closeRoom` succeeds. Pages on the dead server lose
 * their Janus session and rejoin with a fresh token, which names the new server.
 *
 * Identities: a page joins with the VideoRoom `display` `{"identity":…,"name":…}` (JSON,
 * `encodeJanusDisplay`); VideoRoom lets the page choose its display and feed id, so the identity is
 * what the page says — the tokens bind a room and a role, not an identity.
 */
export function janus(settings?: JanusSettings): JanusServerAdapter {
  const resolved = resolveJanusSettings(settings)
  const servers = createJanusServers(resolved)
  const single = servers.all.length === 1
  const adminKey = resolved.adminKey === undefined ? {} : { admin_key: resolved.adminKey }

  /** The VideoRoom id of a valid room name. */
  const idOfName = async (name: string): Promise<number> => {
    if (!RoomNameSchema.safeParse(name).success) throw new CallportError('INVALID_INPUT', `Invalid room name ${JSON.stringify(name)}`, { provider: JANUS_PROVIDER })
    return videoRoomIdOf(name)
  }
  const roomOn = (server: JanusServerHandle, name: string, id: number): Room => ({
    name,
    provider: JANUS_PROVIDER,
    providerRoomId: single ? String(id) : `${server.id}/${id}`,
  })
  const gone = (name: string, server: JanusServerHandle): CallportError =>
    new CallportError('ROOM_NOT_FOUND', `Room ${JSON.stringify(name)} was on Janus ${server.id}, which does not answer: the room is gone with it`, {
      provider: JANUS_PROVIDER,
      retryable: false,
      details: { server: server.id },
    })

  /**
   * Runs `work` on the room's server. With several servers, a server that stopped answering makes the
   * room gone (ROOM_NOT_FOUND) rather than unavailable: it is to be created again elsewhere.
   */
  async function onServer<T>(
    server: JanusServerHandle,
    name: string,
    operation: string,
    signal: AbortSignal | undefined,
    work: (request: VideoRoomRequest, asynchronous: VideoRoomAsyncRequest) => Promise<T>,
  ): Promise<T> {
    try {
      return await server.api.withVideoRoom(operation, signal, work)
    } catch (error) {
      if (!single && CallportError.isInstance(error) && error.code === 'PROVIDER_UNAVAILABLE' && !(await server.alive(signal))) throw gone(name, server)
      throw error
    }
  }

  async function exists(request: VideoRoomRequest, id: number): Promise<boolean> {
    return (await request({ request: 'exists', room: id }, { idempotent: true })).exists === true
  }

  /** Creates the room unless it exists; a concurrent creation (427) is the same room. */
  async function ensure(request: VideoRoomRequest, name: string, id: number): Promise<void> {
    if (await exists(request, id)) return
    try {
      await request({
        request: 'create',
        room: id,
        ...adminKey,
        description: name.slice(0, 200),
        secret: await videoRoomSecretOf(resolved.tokenSecret, name),
        is_private: true,
        permanent: false,
        signed_tokens: true,
        allowed: [],
        publishers: ROOM_PUBLISHERS,
        notify_joining: true,
        audiolevel_event: true,
      })
    } catch (error) {
      if (CallportError.isInstance(error) && (error.details as { janusCode?: number } | undefined)?.janusCode === 427) return
      throw error
    }
  }

  /** The VideoRoom room of `room`, checked to be this provider's; ROOM_NOT_FOUND when its server is no longer configured. */
  async function videoRoomOf(room: Room): Promise<VideoRoomPlace> {
    const id = await videoRoomIdOf(room.name)
    const match = PROVIDER_ROOM_ID.exec(room.providerRoomId)
    if (room.provider !== JANUS_PROVIDER || !match || Number(match[2]) !== id) {
      throw new CallportError('INVALID_INPUT', `Room ${JSON.stringify(room.name)} is not a Janus room (use ensureRoom first)`, { provider: JANUS_PROVIDER })
    }
    const server = servers.byId(match[1])
    if (!server) {
      throw new CallportError('ROOM_NOT_FOUND', `Room ${JSON.stringify(room.name)} was on Janus ${match[1]!}, which is not configured any more`, {
        provider: JANUS_PROVIDER,
        retryable: false,
        details: { server: match[1] },
      })
    }
    return { server, id, secret: await videoRoomSecretOf(resolved.tokenSecret, room.name) }
  }

  /** Whether each live server holds VideoRoom room `id`, with its load; servers failing meanwhile (retryably) are left out. */
  async function loads(live: JanusServerHandle[], id: number, signal: AbortSignal | undefined): Promise<JanusServerLoad[]> {
    const weighed = await Promise.all(
      live.map((server) =>
        servers.load(server, id, signal).catch((error: unknown) => {
          if (CallportError.isInstance(error) && error.retryable && error.code !== 'ABORTED') return undefined
          throw error
        }),
      ),
    )
    return weighed.filter((load): load is JanusServerLoad => load !== undefined)
  }

  /** Adds a publisher's room token to the room's `allowed` list, dropping the expired ones listed there. */
  async function allowPublisher(request: VideoRoomRequest, id: number, secret: string, token: string): Promise<void> {
    const answer = await request({ request: 'allowed', room: id, secret, action: 'add', allowed: [token] }, { idempotent: true })
    const now = Math.floor(Date.now() / 1000)
    const expired = (Array.isArray(answer.allowed) ? (answer.allowed as unknown[]) : []).filter(
      (listed): listed is string => typeof listed === 'string' && (expiryOfSignedToken(listed) ?? Infinity) < now,
    )
    if (expired.length > 0) await request({ request: 'allowed', room: id, secret, action: 'remove', allowed: expired }, { idempotent: true })
  }

  const adapter = defineServerAdapter(
    {
      provider: JANUS_PROVIDER,
      vendor: 'Janus',
      tokenTtlSeconds: janusTokenTtlBounds,

      async ensureRoom({ name, signal }) {
        const id = await idOfName(name)
        if (single) {
          const [server] = servers.all
          await server!.api.withVideoRoom(`creating the room ${name}`, signal, (request) => ensure(request, name, id))
          return roomOn(server!, name, id)
        }
        const weighed = await loads(await servers.live(`creating the room ${name}`, signal), id, signal)
        const holder = weighed.find((load) => load.holds)
        if (holder) return roomOn(holder.server, name, id)
        let firstFailure: CallportError | undefined
        for (const { server } of weighed.sort(byLoad)) {
          try {
            await server.api.withVideoRoom(`creating the room ${name} on Janus ${server.id}`, signal, (request) => ensure(request, name, id))
            return roomOn(server, name, id)
          } catch (error) {
            // This server failed meanwhile: the next least-loaded one.
            if (!CallportError.isInstance(error) || !error.retryable || error.code === 'ABORTED') throw error
            firstFailure ??= error
          }
        }
        throw firstFailure ?? new CallportError('PROVIDER_UNAVAILABLE', `No Janus server could take the room ${name}`, { provider: JANUS_PROVIDER, retryable: true })
      },

      async issueToken({ room, participant, ttlSeconds, signal }): Promise<Token> {
        const { server, id, secret } = await videoRoomOf(room)
        // Several servers: a room on a server that stopped answering is gone (the call server creates it again elsewhere).
        if (!single && !(await server.alive(signal))) throw gone(room.name, server)
        const issuedAt = Math.floor(Date.now() / 1000)
        const expiry = issuedAt + ttlSeconds
        const [core, joining] = [await coreToken(resolved.tokenSecret, expiry), await roomToken(resolved.tokenSecret, expiry, id)]
        const publish = participant.role !== 'subscriber'
        if (publish) {
          // Janus restarted (rooms are not permanent) or the room was closed: made again, as ensureRoom would.
          await onServer(server, room.name, `allowing ${participant.identity} to publish in ${room.name}`, signal, async (request) => {
            await ensure(request, room.name, id)
            await allowPublisher(request, id, secret, joining)
          })
        }
        const connect: JanusConnectParameters = {
          url: server.clientUrl,
          room: id,
          publish,
          ...(participant.name === undefined ? {} : { [NAME_PARAMETER]: participant.name }),
        }
        return {
          provider: JANUS_PROVIDER,
          room: room.name,
          providerRoomId: room.providerRoomId,
          identity: participant.identity,
          value: joinJanusTokenValue({ core, room: joining }),
          expiresAt: new Date(expiry * 1000).toISOString(),
          // TURN credentials for this participant, expiring with the token (a refreshed token brings fresh ones).
          connect: resolved.turn
            ? {
                ...connect,
                [ICE_SERVERS_PARAMETER]: JSON.stringify([await createTurnCredentials(resolved.turn, { identity: participant.identity, ttlSeconds, now: issuedAt * 1000 })]),
              }
            : connect,
        }
      },

      async getRoom({ name, signal }) {
        const id = await idOfName(name)
        if (single) {
          const [server] = servers.all
          return (await server!.api.withVideoRoom(`looking up the room ${name}`, signal, (request) => exists(request, id))) ? roomOn(server!, name, id) : null
        }
        // On a live server (the first in the configured order holding it), else gone.
        const live = await servers.live(`looking up the room ${name}`, signal)
        const held = await Promise.all(
          live.map((server) =>
            server.api
              .withVideoRoom(`looking up the room ${name} on Janus ${server.id}`, signal, (request) => exists(request, id))
              .catch((error: unknown) => {
                if (CallportError.isInstance(error) && error.retryable && error.code !== 'ABORTED') return false
                throw error
              }),
          ),
        )
        const holder = live.find((_, index) => held[index])
        return holder ? roomOn(holder, name, id) : null
      },

      async listParticipants({ room, signal }) {
        const { server, id } = await videoRoomOf(room)
        const listed = await onServer(server, room.name, `listing the participants of ${room.name}`, signal, async (request) =>
          listedOf(await request({ request: 'listparticipants', room: id }, { idempotent: true })),
        )
        // One Callport participant per identity (a screen share is a second VideoRoom publisher).
        const participants = new Map<string, Participant>()
        for (const entry of listed) {
          const display = decodeJanusDisplay(entry.display)
          const identity = identityOf(entry)
          const known = participants.get(identity)
          if (known && display?.source === 'screen') continue
          participants.set(identity, {
            identity,
            role: 'publisher',
            providerParticipantId: String(entry.id),
            ...(display?.name === undefined ? (display === undefined && entry.display ? { name: entry.display } : {}) : { name: display.name }),
          })
        }
        return [...participants.values()]
      },

      async removeParticipant({ room, identity, signal }) {
        const { server, id, secret } = await videoRoomOf(room)
        await onServer(server, room.name, `removing ${identity} from ${room.name}`, signal, async (request) => {
          const feeds = listedOf(await request({ request: 'listparticipants', room: id }, { idempotent: true })).filter((entry) => identityOf(entry) === identity)
          if (feeds.length === 0) throw new CallportError('PARTICIPANT_NOT_FOUND', `${identity} is not in ${room.name}`, { provider: JANUS_PROVIDER })
          for (const feed of feeds) {
            try {
              await request({ request: 'kick', room: id, secret, id: feed.id }, { idempotent: true })
            } catch (error) {
              // Gone meanwhile: what was asked is done.
              if (!(CallportError.isInstance(error) && error.code === 'PARTICIPANT_NOT_FOUND')) throw error
            }
          }
        })
      },

      async muteParticipant({ room, identity, kind, signal }) {
        const { server, id, secret } = await videoRoomOf(room)
        await onServer(server, room.name, `muting the ${kind === 'audio' ? 'microphone' : 'camera'} of ${identity} in ${room.name}`, signal, async (request, asynchronous) => {
          const feeds = new Set(
            listedOf(await request({ request: 'listparticipants', room: id }, { idempotent: true }))
              .filter((entry) => identityOf(entry) === identity)
              .map((entry) => entry.id),
          )
          if (feeds.size === 0) throw new CallportError('PARTICIPANT_NOT_FOUND', `${identity} is not in ${room.name}`, { provider: JANUS_PROVIDER })
          // VideoRoom lists no streams through a synchronous request: the server joins for a moment as a
          // publisher without a display (pages ignore such participants) and reads the streams of the
          // publishers in its `joined` event.
          const joining = await roomToken(resolved.tokenSecret, Math.floor(Date.now() / 1000) + MODERATOR_TOKEN_SECONDS, id)
          await allowPublisher(request, id, secret, joining)
          try {
            const joined = await asynchronous({ request: 'join', ptype: 'publisher', room: id, token: joining }, (event) => event.videoroom === 'joined')
            const publishers = Array.isArray(joined.publishers) ? (joined.publishers as { id?: unknown; streams?: unknown }[]) : []
            for (const publisher of publishers) {
              if (typeof publisher.id !== 'number' || !feeds.has(publisher.id)) continue
              const streams = Array.isArray(publisher.streams) ? (publisher.streams as { type?: unknown; mid?: unknown; disabled?: unknown }[]) : []
              for (const stream of streams) {
                if (stream.type !== kind || typeof stream.mid !== 'string' || stream.disabled === true) continue
                // Muting what is muted succeeds: VideoRoom only sets the flag again.
                await request({ request: 'moderate', room: id, secret, id: publisher.id, mid: stream.mid, mute: true }, { idempotent: true })
              }
            }
          } finally {
            await request({ request: 'allowed', room: id, secret, action: 'remove', allowed: [joining] }, { idempotent: true }).catch(() => undefined)
          }
        })
      },

      async closeRoom({ room, signal }) {
        let place: VideoRoomPlace
        try {
          place = await videoRoomOf(room)
        } catch (error) {
          // Its server is no longer configured: gone with it.
          if (CallportError.isInstance(error) && error.code === 'ROOM_NOT_FOUND') return
          throw error
        }
        const { server, id, secret } = place
        try {
          await onServer(server, room.name, `closing ${room.name}`, signal, (request) =>
            request({ request: 'destroy', room: id, secret, permanent: false }, { idempotent: true }),
          )
        } catch (error) {
          // Already gone (closed before, Janus restarted, or its server no longer answers): closed.
          if (!(CallportError.isInstance(error) && error.code === 'ROOM_NOT_FOUND')) throw error
        }
      },
    },
    { url: resolved.url, clientUrl: resolved.clientUrl, servers: resolved.servers.map((server) => ({ ...server })) },
  )
  return adapter as typeof adapter & JanusServerAdapter
}
