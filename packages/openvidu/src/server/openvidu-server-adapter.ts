import { CallportError, type Participant, type Room, type ServerAdapter, type ServerCapabilities, type Token, type TokenTtlBounds } from '@callport/core'
import { defineServerAdapter } from '@callport/provider-utils/server'
import type { OpenViduConnectParameters } from '../shared/connect-parameters'
import { couldPassForParticipantData, encodeParticipantData, participantOfConnection } from '../shared/connection-data'
import { openViduRoleOf } from '../shared/openvidu-roles'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { deleteConnection, listConnections } from './connections'
import { issueConnection } from './issue-connection'
import { createOpenViduRestClient } from './rest-client'
import { registerSampleOperations } from './sample-connections'
import { createSessionWithProperties, deleteSession, ensureSession, getSession } from './sessions'
import { sessionIdOfRoom } from './session-id'
import { resolveOpenViduSettings, type OpenViduSettings } from './settings'
import { createOpenViduWebhookHandler } from './webhooks'
import type { OpenViduConnection, OpenViduSession } from './wire-schemas'

/**
 * Token lifetimes the adapter accepts, in seconds. OpenVidu tokens do not expire by themselves (a
 * pending connection is valid until it is used or its session closes); `expiresAt` is when the
 * client session fetches a fresh one. One minute to one day.
 */
export const openViduTokenTtlBounds: TokenTtlBounds = { min: 60, max: 86_400 }

/**
 * What the OpenVidu server adapter can do when a webhook header is configured (`webhookHeader` or
 * `OPENVIDU_WEBHOOK_HEADERS`). Without one, OpenVidu's webhooks cannot be authenticated, so the
 * adapter has no webhook handler and `webhooks` is `false`.
 */
export const openViduServerCapabilities = {
  getRoom: true,
  listParticipants: true,
  removeParticipant: true,
  closeRoom: true,
  muteParticipant: false,
  webhooks: true,
  tokenTtlSeconds: openViduTokenTtlBounds,
} as const satisfies ServerCapabilities

/** The OpenVidu server adapter, with its resolved (secret-free) configuration for inspection. */
export interface OpenViduServerAdapter extends ServerAdapter {
  readonly provider: typeof OPENVIDU_PROVIDER
  /** OpenVidu's URL, without a trailing slash. */
  readonly url: string
}

function roomOf(name: string, session: OpenViduSession): Room {
  return {
    name,
    provider: OPENVIDU_PROVIDER,
    providerRoomId: session.id,
    ...(session.createdAt === undefined ? {} : { createdAt: new Date(session.createdAt).toISOString() }),
  }
}

const connectionParticipant = (connection: OpenViduConnection): Participant =>
  participantOfConnection({ connectionId: connection.id, serverData: connection.serverData, clientData: connection.clientData, role: connection.role })

/**
 * The OpenVidu 2 server half: sessions and connections through OpenVidu's REST API
 * (`/openvidu/api`, HTTP Basic `OPENVIDUAPP:<secret>`) and webhooks authenticated by a shared
 * header. Settings fall back to `OPENVIDU_URL`, `OPENVIDU_SECRET` and `OPENVIDU_WEBHOOK_HEADERS`.
 * The routes of OpenVidu's application-server samples are `openViduSampleRoutes`.
 */
export function openvidu(settings?: OpenViduSettings): OpenViduServerAdapter {
  const resolved = resolveOpenViduSettings(settings)
  const rest = createOpenViduRestClient(resolved)
  const webhook = resolved.webhookHeaders.length > 0 ? createOpenViduWebhookHandler(resolved.webhookHeaders) : undefined

  const adapter = defineServerAdapter(
    {
      provider: OPENVIDU_PROVIDER,
      vendor: 'OpenVidu',
      tokenTtlSeconds: openViduTokenTtlBounds,
      webhook,

      async ensureRoom({ name, signal }) {
        return roomOf(name, await ensureSession(rest, sessionIdOfRoom(name), signal))
      },

      async issueToken({ room, participant, ttlSeconds, signal }): Promise<Token> {
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

      async getRoom({ name, signal }) {
        const session = await getSession(rest, sessionIdOfRoom(name), signal)
        return session ? roomOf(name, session) : null
      },

      async listParticipants({ room, signal }) {
        let connections: Awaited<ReturnType<typeof listConnections>>
        try {
          connections = await listConnections(rest, room.providerRoomId, signal)
        } catch (error) {
          // OpenVidu closes a session when its last participant leaves (or is removed): a session it
          // no longer has is a room nobody is in.
          if (CallportError.isInstance(error) && error.code === 'ROOM_NOT_FOUND') return []
          throw error
        }
        return connections.filter((connection) => connection.status === 'active').map(connectionParticipant)
      },

      async removeParticipant({ room, identity, signal }) {
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

      async closeRoom({ room, signal }) {
        // A session OpenVidu no longer has (404) is as closed as it gets.
        await deleteSession(rest, room.providerRoomId, signal)
      },
    },
    { provider: OPENVIDU_PROVIDER, url: resolved.url },
  )

  // The samples' routes create connections with the page's own server data (never Callport's participant data).
  registerSampleOperations(adapter, {
    createSession: (sessionId, properties, signal) => createSessionWithProperties(rest, sessionId, properties, signal),
    deleteSession: async (sessionId) => void (await deleteSession(rest, sessionId)),
    issue: async (room, participant, properties, signal) => {
      const data = properties.data ?? ''
      if (couldPassForParticipantData(data)) {
        throw new CallportError(
          'INVALID_INPUT',
          'data must not contain "%/%" nor be a JSON object with a "callport" member: Callport reserves those for the participant data it writes',
          {
            provider: OPENVIDU_PROVIDER,
          },
        )
      }
      const connection = await issueConnection(
        rest,
        room.providerRoomId,
        {
          type: 'WEBRTC',
          role: openViduRoleOf(participant.role),
          data,
          ...(properties.record === undefined ? {} : { record: properties.record }),
          ...(properties.kurentoOptions === undefined ? {} : { kurentoOptions: properties.kurentoOptions }),
          ...(properties.customIceServers === undefined ? {} : { customIceServers: properties.customIceServers }),
        },
        signal,
      )
      return connection.token
    },
  })
  return adapter
}
