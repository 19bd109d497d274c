import type { Participant, Room, ServerAdapter, ServerCapabilities, TokenTtlBounds } from '@callport/core'
import { CallportError } from '@callport/core'
import { defineServerAdapter } from '@callport/provider-utils/server'
import type { LiveKitConnectParameters } from '../shared/connect-parameters'
import { LIVEKIT_PROVIDER } from '../shared/provider-id'
import { createAccessToken, videoGrantOfRole } from './access-token'
import {
  canPublish,
  createRoom,
  creationTimeOf,
  deleteRoom,
  findRoom,
  getParticipant,
  kindOfTrackType,
  listParticipants,
  metadataOf,
  mutePublishedTrack,
  removeParticipant,
  updateParticipant,
  type RoomInfo,
} from './room-service'
import { resolveLiveKitSettings, type LiveKitSettings } from './settings'
import { createLiveKitWebhookHandler } from './webhooks'

/**
 * Lifetimes of access tokens. LiveKit sets no upper bound of its own (livekit-server-sdk defaults to
 * 6 hours); Callport allows up to 24 hours, as for Twilio. LiveKit refreshes the token of a connected
 * participant itself, so the lifetime bounds joining, not the call.
 */
export const liveKitTokenTtlBounds: TokenTtlBounds = { min: 1, max: 86_400 }

/** What the LiveKit server half can do. */
export const liveKitServerCapabilities: ServerCapabilities = {
  getRoom: true,
  listParticipants: true,
  removeParticipant: true,
  closeRoom: true,
  muteParticipant: true,
  updateParticipant: true,
  webhooks: true,
  tokenTtlSeconds: liveKitTokenTtlBounds,
}

/** The LiveKit server adapter, with its resolved (secret-free) configuration for inspection. */
export interface LiveKitServerAdapter extends ServerAdapter {
  readonly provider: typeof LIVEKIT_PROVIDER
  readonly apiKey: string
  /** The URL clients connect to (`token.connect.url`). */
  readonly websocketUrl: string
  /** The URL RoomService is called on. */
  readonly apiUrl: string
}

function roomOf(name: string, info: RoomInfo): Room {
  const created = creationTimeOf(info)
  return {
    name,
    provider: LIVEKIT_PROVIDER,
    providerRoomId: info.sid,
    ...(created === undefined ? {} : { createdAt: new Date(created * 1000).toISOString() }),
  }
}

/** `{ metadata }` when LiveKit's metadata string holds a JSON object (as Callport writes it), else nothing. */
function optionalMetadata(metadata: string | undefined): Pick<Participant, 'metadata'> {
  const parsed = metadataOf(metadata)
  return parsed === undefined ? {} : { metadata: parsed }
}

/**
 * The LiveKit server half: mints access tokens locally (HS256, the claims of livekit-server-sdk's
 * `AccessToken`), keeps rooms through RoomService over Twirp (a Callport room is the LiveKit room of
 * the same name; its `sid` is the providerRoomId), and verifies and normalizes LiveKit's webhooks.
 */
export function livekit(settings?: LiveKitSettings): LiveKitServerAdapter {
  const resolved = resolveLiveKitSettings(settings)
  const connect: LiveKitConnectParameters = { url: resolved.websocketUrl }

  const adapter = defineServerAdapter(
    {
      provider: LIVEKIT_PROVIDER,
      vendor: 'LiveKit',
      tokenTtlSeconds: liveKitTokenTtlBounds,
      // Deliveries signed by LiveKit with this API key (its `webhook.api_key`): see webhooks.ts.
      webhook: createLiveKitWebhookHandler({ apiKey: resolved.apiKey, apiSecret: resolved.apiSecret }),

      async ensureRoom({ name, signal }) {
        return roomOf(name, await createRoom(resolved, name, signal))
      },

      async issueToken({ room, participant, ttlSeconds }) {
        const issuedAt = Math.floor(Date.now() / 1000)
        const value = await createAccessToken({
          apiKey: resolved.apiKey,
          apiSecret: resolved.apiSecret,
          identity: participant.identity,
          ...(participant.name === undefined ? {} : { name: participant.name }),
          ...(participant.metadata === undefined ? {} : { metadata: participant.metadata }),
          video: videoGrantOfRole(room.name, participant.role),
          issuedAt,
          ttlSeconds,
        })
        return {
          provider: LIVEKIT_PROVIDER,
          room: room.name,
          providerRoomId: room.providerRoomId,
          identity: participant.identity,
          value,
          expiresAt: new Date((issuedAt + ttlSeconds) * 1000).toISOString(),
          connect: { ...connect },
        }
      },

      async getRoom({ name, signal }) {
        const info = await findRoom(resolved, name, signal)
        return info && roomOf(name, info)
      },

      async listParticipants({ room, signal }) {
        const participants = await listParticipants(resolved, room.name, signal)
        // LiveKit's ParticipantInfo carries no roomAdmin grant: a moderator is listed as a publisher.
        return participants.map((participant): Participant => ({
          identity: participant.identity,
          role: canPublish(participant) ? 'publisher' : 'subscriber',
          providerParticipantId: participant.sid,
          ...(participant.name ? { name: participant.name } : {}),
          ...optionalMetadata(participant.metadata),
        }))
      },

      async removeParticipant({ room, identity, signal }) {
        await removeParticipant(resolved, room.name, identity, signal)
      },

      async muteParticipant({ room, identity, kind, signal }) {
        const participant = await getParticipant(resolved, room.name, identity, signal)
        const tracks = (participant.tracks ?? []).filter((track) => kindOfTrackType(track.type) === kind && track.muted !== true)
        if (tracks.length === 0 && !(participant.tracks ?? []).some((track) => kindOfTrackType(track.type) === kind)) {
          throw new CallportError('NOT_FOUND', `${identity} publishes no ${kind} track in ${room.name}`, { provider: LIVEKIT_PROVIDER })
        }
        for (const track of tracks) await mutePublishedTrack(resolved, room.name, identity, track.sid, signal)
      },

      async updateParticipant({ room, identity, name, metadata, signal }) {
        await updateParticipant(resolved, room.name, identity, { name, metadata }, signal)
      },

      async closeRoom({ room, signal }) {
        await deleteRoom(resolved, room.name, signal)
      },
    },
    { apiKey: resolved.apiKey, websocketUrl: resolved.websocketUrl, apiUrl: resolved.apiUrl },
  )
  return adapter as typeof adapter & { provider: typeof LIVEKIT_PROVIDER }
}
