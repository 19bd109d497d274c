import { CallportError, RoomNameSchema, type Participant, type Room, type ServerAdapter, type ServerCapabilities, type Token, type TokenTtlBounds } from '@callport/core'
import { createTurnCredentials, defineServerAdapter } from '@callport/provider-utils/server'
import { decodeJanusDisplay, ICE_SERVERS_PARAMETER, joinJanusTokenValue, type JanusConnectParameters } from '../shared/connect-parameters'
import { JANUS_PROVIDER } from '../shared/provider-id'
import { createJanusApi, type VideoRoomRequest } from './janus-api'
import { resolveJanusSettings, type JanusSettings } from './settings'
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
  /** The Janus API URL the server half calls. */
  readonly url: string
  /** Where pages reach Janus (`token.connect.url`). */
  readonly clientUrl: string
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

/**
 * The Janus server half: `janus(settings)` for createCallServer. A Callport room is a VideoRoom room
 * with a numeric id derived from its name (`videoRoomIdOf`: Janus's default numeric ids, no
 * `string_ids` needed), a room secret derived from the token secret (HMAC of the name, so every app
 * server agrees without shared state), `signed_tokens` (every join needs a room token) and an
 * `allowed` list holding the room tokens of publishers only, which VideoRoom checks on publisher joins:
 * a subscriber's token cannot join as a publisher, so it cannot publish (Janus refuses it, 433).
 *
 * Identities: a page joins with the VideoRoom `display` `{"identity":…,"name":…}` (JSON,
 * `encodeJanusDisplay`); VideoRoom lets the page choose its display and feed id, so the identity is
 * what the page says — the tokens bind a room and a role, not an identity.
 */
export function janus(settings?: JanusSettings): JanusServerAdapter {
  const resolved = resolveJanusSettings(settings)
  const api = createJanusApi(resolved)
  const adminKey = resolved.adminKey === undefined ? {} : { admin_key: resolved.adminKey }

  const roomOf = async (name: string): Promise<Room> => {
    if (!RoomNameSchema.safeParse(name).success) throw new CallportError('INVALID_INPUT', `Invalid room name ${JSON.stringify(name)}`, { provider: JANUS_PROVIDER })
    return { name, provider: JANUS_PROVIDER, providerRoomId: String(await videoRoomIdOf(name)) }
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

  /** The VideoRoom room of `room`, checked to be this provider's. */
  async function videoRoomOf(room: Room): Promise<{ id: number; secret: string }> {
    const id = await videoRoomIdOf(room.name)
    if (room.provider !== JANUS_PROVIDER || room.providerRoomId !== String(id)) {
      throw new CallportError('INVALID_INPUT', `Room ${JSON.stringify(room.name)} is not a Janus room (use ensureRoom first)`, { provider: JANUS_PROVIDER })
    }
    return { id, secret: await videoRoomSecretOf(resolved.tokenSecret, room.name) }
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
        const room = await roomOf(name)
        await api.withVideoRoom(`creating the room ${name}`, signal, (request) => ensure(request, name, Number(room.providerRoomId)))
        return room
      },

      async issueToken({ room, participant, ttlSeconds, signal }): Promise<Token> {
        const { id, secret } = await videoRoomOf(room)
        const issuedAt = Math.floor(Date.now() / 1000)
        const expiry = issuedAt + ttlSeconds
        const [core, joining] = [await coreToken(resolved.tokenSecret, expiry), await roomToken(resolved.tokenSecret, expiry, id)]
        const publish = participant.role !== 'subscriber'
        if (publish) {
          // Janus restarted (rooms are not permanent) or the room was closed: made again, as ensureRoom would.
          await api.withVideoRoom(`allowing ${participant.identity} to publish in ${room.name}`, signal, async (request) => {
            await ensure(request, room.name, id)
            await allowPublisher(request, id, secret, joining)
          })
        }
        const connect: JanusConnectParameters = { url: resolved.clientUrl, room: id, publish }
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
        const room = await roomOf(name)
        const found = await api.withVideoRoom(`looking up the room ${name}`, signal, (request) => exists(request, Number(room.providerRoomId)))
        return found ? room : null
      },

      async listParticipants({ room, signal }) {
        const { id } = await videoRoomOf(room)
        const listed = await api.withVideoRoom(`listing the participants of ${room.name}`, signal, async (request) =>
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
        const { id, secret } = await videoRoomOf(room)
        await api.withVideoRoom(`removing ${identity} from ${room.name}`, signal, async (request) => {
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
        const { id, secret } = await videoRoomOf(room)
        await api.withVideoRoom(`muting the ${kind === 'audio' ? 'microphone' : 'camera'} of ${identity} in ${room.name}`, signal, async (request, asynchronous) => {
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
        const { id, secret } = await videoRoomOf(room)
        await api.withVideoRoom(`closing ${room.name}`, signal, async (request) => {
          try {
            await request({ request: 'destroy', room: id, secret, permanent: false }, { idempotent: true })
          } catch (error) {
            // Already gone (closed before, or Janus restarted): closed.
            if (!(CallportError.isInstance(error) && error.code === 'ROOM_NOT_FOUND')) throw error
          }
        })
      },
    },
    { url: resolved.url, clientUrl: resolved.clientUrl },
  )
  return adapter as typeof adapter & JanusServerAdapter
}
