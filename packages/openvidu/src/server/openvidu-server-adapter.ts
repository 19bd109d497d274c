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
import type { OpenViduConnectParameters } from '../shared/connect-parameters'
import { encodeParticipantData, participantOfConnection } from '../shared/connection-data'
import { openViduRoleOf } from '../shared/openvidu-roles'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { deleteConnection, listConnections } from './connections'
import { issueConnection } from './issue-connection'
import { createOpenViduRestClient } from './rest-client'
import { createSamplesCompatHandler, OPENVIDU_SAMPLES_COMPAT } from './samples-compat'
import { deleteSession, ensureSession, getSession } from './sessions'
import { sessionIdOfRoom } from './session-id'
import { resolveOpenViduSettings, type OpenViduSettings } from './settings'
import { createOpenViduWebhookHandler } from './webhooks'
import type { OpenViduSession } from './wire-schemas'

/**
 * Token lifetimes the adapter accepts, in seconds. OpenVidu tokens do not expire by themselves (a
 * pending connection is valid until it is used or its session closes); `expiresAt` is when the
 * client session fetches a fresh one. One minute to one day.
 */
export const openViduTokenTtlSeconds: TokenTtlBounds = { min: 60, max: 86_400 }

/** The OpenVidu server adapter, with its resolved (secret-free) configuration for inspection. */
export interface OpenViduServerAdapter extends ServerAdapter {
  readonly provider: typeof OPENVIDU_PROVIDER
  /** OpenVidu's URL, without a trailing slash. */
  readonly url: string
}

function assertTokenTtl(ttlSeconds: number): void {
  const { min, max } = openViduTokenTtlSeconds
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < min || ttlSeconds > max) {
    throw new CallportError('INVALID_INPUT', `OpenVidu token lifetimes must be whole seconds from ${min} to ${max}; got ${ttlSeconds}`, {
      provider: OPENVIDU_PROVIDER,
      details: { ttlSeconds, ...openViduTokenTtlSeconds },
    })
  }
}

function roomOf(name: string, session: OpenViduSession): Room {
  return {
    name,
    provider: OPENVIDU_PROVIDER,
    providerRoomId: session.id,
    ...(session.createdAt === undefined ? {} : { createdAt: new Date(session.createdAt).toISOString() }),
  }
}

const connectionParticipant = (connection: { id: string; serverData?: string | null; clientData?: string | null; role?: string | null }): Participant =>
  participantOfConnection({ connectionId: connection.id, serverData: connection.serverData, clientData: connection.clientData, role: connection.role })

/**
 * The OpenVidu 2 server half: sessions and connections through OpenVidu's REST API
 * (`/openvidu/api`, HTTP Basic `OPENVIDUAPP:<secret>`), webhooks authenticated by a shared header,
 * and the routes of OpenVidu's application-server samples (`compat: ['openvidu-samples']`).
 * Settings fall back to `OPENVIDU_URL`, `OPENVIDU_SECRET` and `OPENVIDU_WEBHOOK_HEADERS`.
 */
export function openvidu(settings: OpenViduSettings = {}): OpenViduServerAdapter {
  const resolved = resolveOpenViduSettings(settings)
  const rest = createOpenViduRestClient(resolved)
  const webhook = resolved.webhookHeaders.length > 0 ? createOpenViduWebhookHandler(resolved.webhookHeaders) : undefined

  const capabilities: ServerCapabilities = {
    getRoom: true,
    listParticipants: true,
    removeParticipant: true,
    closeRoom: true,
    webhooks: webhook !== undefined,
    tokenTtlSeconds: openViduTokenTtlSeconds,
  }

  const samples = createSamplesCompatHandler(async (room, participant, body, signal) => {
    const connection = await issueConnection(
      rest,
      room.providerRoomId,
      {
        type: 'WEBRTC',
        role: openViduRoleOf(participant.role),
        // The samples' pages parse `connection.data` as their own JSON, so only the page's own server data goes in.
        data: body.data ?? '',
        ...(typeof body.record === 'boolean' ? { record: body.record } : {}),
        ...(body.kurentoOptions ? { kurentoOptions: body.kurentoOptions } : {}),
        ...(body.customIceServers ? { customIceServers: body.customIceServers } : {}),
      },
      signal,
    )
    return connection.token
  }, resolved.samplesAnswerFormat)

  return {
    specificationVersion,
    provider: OPENVIDU_PROVIDER,
    capabilities,
    url: resolved.url,
    compat: { [OPENVIDU_SAMPLES_COMPAT]: samples },
    ...(webhook ? { webhook } : {}),

    async ensureRoom({ name, signal }: EnsureRoomOptions): Promise<Room> {
      throwIfAborted(signal)
      return roomOf(name, await ensureSession(rest, sessionIdOfRoom(name), signal))
    },

    async issueToken({ room, participant, ttlSeconds, signal }: IssueTokenOptions): Promise<Token> {
      assertTokenTtl(ttlSeconds)
      throwIfAborted(signal)
      const connection = await issueConnection(
        rest,
        room.providerRoomId,
        { type: 'WEBRTC', role: openViduRoleOf(participant.role), data: encodeParticipantData(participant) },
        signal,
      )
      const connect: OpenViduConnectParameters = {
        sessionId: room.providerRoomId,
        connectionId: connection.id,
        role: participant.role,
        ...(participant.name === undefined ? {} : { name: participant.name }),
      }
      return {
        provider: OPENVIDU_PROVIDER,
        room: room.name,
        providerRoomId: room.providerRoomId,
        identity: participant.identity,
        value: connection.token,
        expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
        connect,
      }
    },

    async getRoom({ name, signal }: EnsureRoomOptions): Promise<Room | null> {
      throwIfAborted(signal)
      const session = await getSession(rest, sessionIdOfRoom(name), signal)
      return session ? roomOf(name, session) : null
    },

    async listParticipants({ room, signal }: RoomOperationOptions): Promise<Participant[]> {
      throwIfAborted(signal)
      const connections = await listConnections(rest, room.providerRoomId, signal)
      return connections.filter((connection) => connection.status === 'active').map(connectionParticipant)
    },

    async removeParticipant({ room, identity, signal }: RoomOperationOptions & { identity: string }): Promise<void> {
      throwIfAborted(signal)
      const connections = await listConnections(rest, room.providerRoomId, signal)
      // Active connections are evicted; pending ones (tokens not used yet) are voided, so they cannot join later.
      const theirs = connections.filter((connection) => connectionParticipant(connection).identity === identity)
      let removed = false
      for (const connection of theirs) {
        if (await deleteConnection(rest, room.providerRoomId, connection.id, signal)) removed = true
      }
      if (!removed) {
        throw new CallportError('PARTICIPANT_NOT_FOUND', `Nobody with identity "${identity}" is in the OpenVidu session ${room.providerRoomId}`, {
          provider: OPENVIDU_PROVIDER,
        })
      }
    },

    async closeRoom({ room, signal }: RoomOperationOptions): Promise<void> {
      throwIfAborted(signal)
      // A session OpenVidu no longer has (404) is as closed as it gets.
      await deleteSession(rest, room.providerRoomId, signal)
    },
  }
}
