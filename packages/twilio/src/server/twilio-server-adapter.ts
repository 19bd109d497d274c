import type { Room, ServerAdapter, ServerCapabilities, TokenTtlBounds } from '@callport/core'
import { defineServerAdapter } from '@callport/provider-utils/server'
import type { TwilioConnectParameters } from '../shared/connect-parameters'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { createAccessToken } from './access-token'
import { completeRoom, disconnectParticipant, ensureRoomResource, fetchRoom, listConnectedParticipants, type RoomResource } from './rooms'
import { resolveTwilioSettings, type TwilioSettings } from './settings'
import { createStatusCallbackHandler } from './status-callbacks'
import { createTwilioRestClient } from './twilio-rest'

/** Lifetimes of Access Tokens: Twilio accepts at most 24 hours. */
export const twilioTokenTtlBounds: TokenTtlBounds = { min: 1, max: 86_400 }

/**
 * What the Twilio server half can do, configured with an `authToken` (or a `sharedKeySecret`). Without either it has no
 * webhook handler and its `capabilities.webhooks` is false; the adapter's own `capabilities` always
 * say which.
 */
export const twilioServerCapabilities: ServerCapabilities = {
  getRoom: true,
  listParticipants: true,
  removeParticipant: true,
  closeRoom: true,
  muteParticipant: false,
  webhooks: true,
  tokenTtlSeconds: twilioTokenTtlBounds,
}

/** The Twilio server adapter, with its resolved (secret-free) configuration for inspection. */
export interface TwilioServerAdapter extends ServerAdapter {
  readonly provider: typeof TWILIO_PROVIDER
  readonly accountSid: string
  /** The Video REST API's base URL, without a trailing slash. */
  readonly baseUrl: string
  readonly statusCallbackUrl: string | undefined
}

function roomOf(name: string, resource: RoomResource): Room {
  const createdAt = Date.parse(resource.date_created)
  return {
    name,
    provider: TWILIO_PROVIDER,
    providerRoomId: resource.sid,
    ...(Number.isNaN(createdAt) ? {} : { createdAt: new Date(createdAt).toISOString() }),
  }
}

/**
 * The Twilio Programmable Video server half: mints Access Tokens locally (node:crypto), keeps rooms
 * through the Rooms REST API (a Callport room is the in-progress Twilio room whose UniqueName is the
 * room name; its SID is the providerRoomId), and verifies and normalizes status callbacks.
 */
export function twilio(settings?: TwilioSettings): TwilioServerAdapter {
  const resolved = resolveTwilioSettings(settings)
  const rest = createTwilioRestClient(resolved)
  const { authToken, sharedKeySecret, statusCallbackUrl } = resolved

  const adapter = defineServerAdapter(
    {
      provider: TWILIO_PROVIDER,
      vendor: 'Twilio',
      tokenTtlSeconds: twilioTokenTtlBounds,

      async ensureRoom({ name, signal }) {
        return roomOf(name, await ensureRoomResource(rest, { uniqueName: name, room: resolved.room, statusCallbackUrl, signal }))
      },

      async issueToken({ room, participant, ttlSeconds }) {
        const issuedAt = Math.floor(Date.now() / 1000)
        const value = createAccessToken({
          accountSid: resolved.accountSid,
          apiKeySid: resolved.apiKeySid,
          apiKeySecret: resolved.apiKeySecret,
          identity: participant.identity,
          room: room.name,
          ttlSeconds,
          issuedAt,
          algorithm: resolved.algorithm,
          ...(resolved.tokenRegion ? { region: resolved.tokenRegion } : {}),
        })
        const connect: TwilioConnectParameters = { roomName: room.name }
        return {
          provider: TWILIO_PROVIDER,
          room: room.name,
          providerRoomId: room.providerRoomId,
          identity: participant.identity,
          value,
          expiresAt: new Date((issuedAt + ttlSeconds) * 1000).toISOString(),
          connect,
        }
      },

      async getRoom({ name, signal }) {
        const resource = await fetchRoom(rest, name, signal)
        return resource && roomOf(name, resource)
      },

      async listParticipants({ room, signal }) {
        const participants = await listConnectedParticipants(rest, room.providerRoomId, signal)
        // Twilio keeps no roles: everyone who can join can publish.
        return participants.map((participant) => ({ identity: participant.identity, role: 'publisher' as const, providerParticipantId: participant.sid }))
      },

      async removeParticipant({ room, identity, signal }) {
        await disconnectParticipant(rest, room.providerRoomId, identity, signal)
      },

      async closeRoom({ room, signal }) {
        await completeRoom(rest, room.providerRoomId, signal)
      },

      webhook: authToken === undefined && sharedKeySecret === undefined ? undefined : createStatusCallbackHandler({ authToken, sharedKeySecret, statusCallbackUrl }),
    },
    { accountSid: resolved.accountSid, baseUrl: resolved.baseUrl, statusCallbackUrl },
  )
  return adapter as typeof adapter & { provider: typeof TWILIO_PROVIDER }
}
