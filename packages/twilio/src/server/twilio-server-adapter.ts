import {
  CallportError,
  specificationVersion,
  throwIfAborted,
  type EnsureRoomOptions,
  type IssueTokenOptions,
  type Participant,
  type Room,
  type RoomOperationOptions,
  type ServerAdapter,
  type ServerCapabilities,
  type Token,
  type TokenTtlBounds,
} from '@callport/core'
import type { TwilioConnectParameters } from '../shared/connect-parameters'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { createAccessToken } from './access-token'
import { createTwilioRestClient } from './rest-client'
import { completeRoom, disconnectParticipant, ensureRoomResource, fetchRoom, listConnectedParticipants, type RoomResource } from './rooms'
import { resolveTwilioSettings, type TwilioSettings } from './settings'
import { createStatusCallbackHandler } from './status-callbacks'

/** Lifetimes of Access Tokens: Twilio accepts at most 24 hours. */
export const twilioTokenTtlSeconds: TokenTtlBounds = { min: 1, max: 86_400 }

/** The Twilio server adapter, with its resolved (secret-free) configuration for inspection. */
export interface TwilioServerAdapter extends ServerAdapter {
  readonly provider: typeof TWILIO_PROVIDER
  readonly accountSid: string
  readonly baseUrl: string
  readonly statusCallbackUrl: string | undefined
}

/** What the Twilio server half can do; webhooks only with an auth token to verify them. */
export function twilioServerCapabilities(webhooks: boolean): ServerCapabilities {
  return { getRoom: true, listParticipants: true, removeParticipant: true, closeRoom: true, webhooks, tokenTtlSeconds: twilioTokenTtlSeconds }
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

function assertTtl(ttlSeconds: number): void {
  const { min, max } = twilioTokenTtlSeconds
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < min || ttlSeconds > max) {
    throw new CallportError('INVALID_INPUT', `Twilio Access Token lifetimes must be whole seconds from ${min} to ${max}; got ${ttlSeconds}`, {
      provider: TWILIO_PROVIDER,
      details: { ttlSeconds, ...twilioTokenTtlSeconds },
    })
  }
}

/**
 * The Twilio Programmable Video server half: mints Access Tokens locally (HS256, node:crypto), keeps
 * rooms through the Rooms REST API (a Callport room is the in-progress Twilio room whose UniqueName is
 * the room name; its SID is the providerRoomId), and verifies and normalizes status callbacks.
 */
export function twilio(settings: TwilioSettings = {}): TwilioServerAdapter {
  const resolved = resolveTwilioSettings(settings)
  const rest = createTwilioRestClient(resolved)
  const { authToken, statusCallbackUrl } = resolved

  const adapter: TwilioServerAdapter = {
    specificationVersion,
    provider: TWILIO_PROVIDER,
    capabilities: twilioServerCapabilities(authToken !== undefined),
    accountSid: resolved.accountSid,
    baseUrl: resolved.baseUrl,
    statusCallbackUrl,

    async ensureRoom({ name, signal }: EnsureRoomOptions): Promise<Room> {
      throwIfAborted(signal)
      return roomOf(name, await ensureRoomResource(rest, { uniqueName: name, room: resolved.room, statusCallbackUrl, signal }))
    },

    async issueToken({ room, participant, ttlSeconds, signal }: IssueTokenOptions): Promise<Token> {
      assertTtl(ttlSeconds)
      throwIfAborted(signal)
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

    async getRoom({ name, signal }: EnsureRoomOptions): Promise<Room | null> {
      throwIfAborted(signal)
      const resource = await fetchRoom(rest, name, signal)
      return resource && roomOf(name, resource)
    },

    async listParticipants({ room, signal }: RoomOperationOptions): Promise<Participant[]> {
      throwIfAborted(signal)
      const participants = await listConnectedParticipants(rest, room.providerRoomId, signal)
      // Twilio keeps no roles: everyone who can join can publish.
      return participants.map((participant) => ({ identity: participant.identity, role: 'publisher', providerParticipantId: participant.sid }))
    },

    async removeParticipant({ room, identity, signal }: RoomOperationOptions & { identity: string }): Promise<void> {
      throwIfAborted(signal)
      await disconnectParticipant(rest, room.providerRoomId, identity, signal)
    },

    async closeRoom({ room, signal }: RoomOperationOptions): Promise<void> {
      throwIfAborted(signal)
      await completeRoom(rest, room.providerRoomId, signal)
    },

    ...(authToken === undefined ? {} : { webhook: createStatusCallbackHandler({ authToken, statusCallbackUrl }) }),
  }
  return adapter
}
