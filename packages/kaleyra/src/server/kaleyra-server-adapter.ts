import { CallportError, type Participant, type Room, type ServerAdapter, type ServerCapabilities, type Token } from '@callport/core'
import { defineServerAdapter } from '@callport/provider-utils/server'
import type { KaleyraConnectParameters } from '../shared/connect-parameters'
import { KALEYRA_MAXIMUM_PARTICIPANTS } from '../shared/kaleyra-errors'
import { KALEYRA_PROVIDER } from '../shared/provider-id'
import { generateKaleyraCredentials, kaleyraTokenTtlBounds } from './credentials'
import { isPendingRoomId, pendingRoomId } from './kaleyra-room-id'
import { assertKaleyraUserId } from './kaleyra-user-id'
import { createMemberLinks } from './member-links'
import { createKaleyraRestClient } from './rest-client'
import { resolveKaleyraSettings, type KaleyraSettings } from './settings'
import { addKaleyraRoomParticipants, createKaleyraRoom } from './unconfirmed-room-api'

/**
 * What the Kaleyra server half can do: tokens and rooms only; no room reads, removal or webhooks.
 * `maximumParticipants`: a Kaleyra call takes two participants (widget 2.7.5 hangs up a link join
 * of a room with more users with `join_url_mtm`); a third join is refused with ROOM_FULL.
 */
export const kaleyraServerCapabilities = {
  getRoom: false,
  listParticipants: false,
  removeParticipant: false,
  closeRoom: false,
  muteParticipant: false,
  webhooks: false,
  tokenTtlSeconds: kaleyraTokenTtlBounds,
  maximumParticipants: KALEYRA_MAXIMUM_PARTICIPANTS,
} as const satisfies ServerCapabilities

/** The Kaleyra server adapter, with its resolved (secret-free) configuration for inspection. */
export interface KaleyraServerAdapter extends ServerAdapter {
  readonly provider: typeof KALEYRA_PROVIDER
  readonly capabilities: typeof kaleyraServerCapabilities
  /** The REST API's base URL, without a trailing slash. */
  readonly baseUrl: string
}

/** A participant's place in a Kaleyra room: the room's id and the participant's join link. */
interface Membership {
  roomId: string
  url: string | undefined
}

/**
 * The Kaleyra Video server half, stateless across processes. Kaleyra generates room ids and makes
 * a room together with its participants, so:
 *
 * - `ensureRoom` makes no request and returns the placeholder `pending:<name>` as `providerRoomId`.
 * - `issueToken` for a placeholder creates the Kaleyra room with this participant and returns the
 *   real id in the token's `providerRoomId`; the call server records it (compare-and-set in its
 *   room store) and hands the recorded Room to later joins. When another process recorded another
 *   id first, the call server issues again for that room, and the room this call made stays unused.
 * - `issueToken` for a real id adds the participant to that Kaleyra room, unless this process
 *   already read the participant's link there (see `member-links.ts`).
 *
 * Kaleyra requests per join: credentials (1), plus creating the room (1) for the first join, or
 * adding the participant (1) when this process has not seen their link. So a join of a live room
 * costs exactly one request (the credentials) when this process already has the member's link, and
 * two otherwise.
 */
export function kaleyra(settings?: KaleyraSettings): KaleyraServerAdapter {
  const resolved = resolveKaleyraSettings(settings)
  const rest = createKaleyraRestClient(resolved)
  const links = createMemberLinks()

  /** Refuses, before any request, a third member of a room whose two members this process knows. */
  function refuseWhenFull(room: Room, participant: Participant): void {
    const others = links.knownMembers(room.providerRoomId).filter((identity) => identity !== participant.identity)
    if (others.length < KALEYRA_MAXIMUM_PARTICIPANTS) return
    throw new CallportError(
      'ROOM_FULL',
      `A Kaleyra call takes at most ${KALEYRA_MAXIMUM_PARTICIPANTS} participants; room "${room.name}" already has ${others.join(' and ')}`,
      { provider: KALEYRA_PROVIDER, details: { room: room.name, maximumParticipants: KALEYRA_MAXIMUM_PARTICIPANTS, members: others } },
    )
  }

  /**
   * Concurrent first joins of a pending room in this process share one creation: the first creates
   * the Kaleyra room with its participant, the others wait and join it. Only while the creation is
   * under way; afterwards the call server's record decides. (Across processes the call server's
   * compare-and-set decides, and a losing creation's room stays unused.)
   */
  const creations = new Map<string, Promise<string>>()

  async function createRoomWith(room: Room, participant: Participant, signal: AbortSignal | undefined): Promise<Membership> {
    const underWay = creations.get(room.providerRoomId)
    if (underWay) {
      const roomId = await underWay.catch(() => undefined)
      // A creation that failed (its caller's abort, say) is no reason to fail this join: try ourselves.
      if (roomId !== undefined) return joinRoom(roomId, participant, signal)
      return createRoomWith(room, participant, signal)
    }
    const creating = createKaleyraRoom(rest, { name: room.name, participants: [participant], signal }).then((created) => {
      links.remember(created.roomId, created.userUrls)
      return created.roomId
    })
    creations.set(room.providerRoomId, creating)
    try {
      const roomId = await creating
      return { roomId, url: links.get(roomId, participant.identity) }
    } finally {
      if (creations.get(room.providerRoomId) === creating) creations.delete(room.providerRoomId)
    }
  }

  async function joinRoom(roomId: string, participant: Participant, signal: AbortSignal | undefined): Promise<Membership> {
    const known = links.get(roomId, participant.identity)
    if (known !== undefined) return { roomId, url: known }
    const added = await addKaleyraRoomParticipants(rest, { roomId, participants: [participant], signal })
    links.remember(roomId, added.userUrls)
    return { roomId, url: added.userUrls.get(participant.identity) }
  }

  const adapter = defineServerAdapter(
    {
      provider: KALEYRA_PROVIDER,
      vendor: 'Kaleyra',
      tokenTtlSeconds: kaleyraTokenTtlBounds,
      maximumParticipants: KALEYRA_MAXIMUM_PARTICIPANTS,

      async ensureRoom({ name }): Promise<Room> {
        return { name, provider: KALEYRA_PROVIDER, providerRoomId: pendingRoomId(name) }
      },

      async issueToken({ room, participant, ttlSeconds, signal }): Promise<Token> {
        assertKaleyraUserId(participant.identity)
        const pending = isPendingRoomId(room.providerRoomId)
        if (!pending) refuseWhenFull(room, participant)
        // Credentials first: a failure here (an unknown user, say) leaves no Kaleyra room behind.
        const credentials = await generateKaleyraCredentials(rest, { userId: participant.identity, ttlSeconds, signal })
        const membership = pending ? await createRoomWith(room, participant, signal) : await joinRoom(room.providerRoomId, participant, signal)
        const connect: KaleyraConnectParameters = {
          appId: resolved.appId,
          region: resolved.region,
          environment: resolved.environment,
          isAdmin: participant.role === 'moderator',
          role: participant.role,
          kaleyraRoomId: membership.roomId,
          ...(membership.url === undefined ? {} : { roomUrl: membership.url }),
        }
        return {
          provider: KALEYRA_PROVIDER,
          room: room.name,
          providerRoomId: membership.roomId,
          identity: participant.identity,
          value: credentials.access_token,
          expiresAt: new Date(credentials.expires_at).toISOString(),
          connect,
        }
      },
    },
    { baseUrl: resolved.baseUrl },
  )
  return adapter as KaleyraServerAdapter
}
