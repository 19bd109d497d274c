import {
  CallportError,
  RoomNameSchema,
  type Participant,
  type Room,
  type RoomOperationOptions,
  type ServerAdapter,
  type ServerCapabilities,
  type Token,
  type TokenTtlBounds,
  type TrackKind,
  type UpdateParticipantOptions,
} from '@callport/core'
import {
  createTurnCredentials,
  createVendorRestClient,
  defineServerAdapter,
  resolveVendorRestSettings,
  signHs256JwtAsync,
  type VendorRequest,
} from '@callport/provider-utils/server'
import { ADMIN_AUDIENCE, ADMIN_PATH_PREFIX, ADMIN_TOKEN_SECONDS, AdminErrorSchema, AdminParticipantsSchema, type AdminClaims } from './admin-protocol'
import { ICE_SERVERS_PARAMETER } from '../shared/connect-parameters'
import type { SignalingClaims } from '../shared/protocol'
import { SIGNALING_PROVIDER } from '../shared/provider-id'
import { VERSION } from '../shared/version'
import { signSignalingCredentialAsync } from './credentials'
import { signalingRoomId } from './room-id'
import { resolveSignalingSettings, type SignalingSettings } from './settings'

/** Token lifetimes the signaling provider accepts, in whole seconds (one minute to one day). */
export const signalingTokenTtlBounds: TokenTtlBounds = { min: 60, max: 86_400 }

/**
 * What the signaling server half can do. It keeps no room state of its own (a room exists on the
 * signaling server while someone is in it), so it cannot say whether a room is live (`getRoom`); it
 * lists, removes, mutes and updates (name, metadata) participants and closes rooms through the
 * signaling server's admin API.
 */
export const signalingServerCapabilities: ServerCapabilities = {
  getRoom: false,
  listParticipants: true,
  removeParticipant: true,
  closeRoom: true,
  muteParticipant: true,
  updateParticipant: true,
  webhooks: false,
  tokenTtlSeconds: signalingTokenTtlBounds,
}

/** The signaling server adapter, with where its tokens send browsers (no secret). */
export interface SignalingServerAdapter extends ServerAdapter {
  readonly provider: typeof SIGNALING_PROVIDER
  /** The URL browsers connect socket.io to. */
  readonly url: string
  /** The socket.io path, when it is not `/socket.io`. */
  readonly path: string | undefined
}

/** The origin of the signaling server's HTTP listener: `url`'s, with ws(s) as http(s). */
function adminOrigin(url: string): string {
  const parsed = new URL(url)
  if (parsed.protocol === 'ws:') parsed.protocol = 'http:'
  if (parsed.protocol === 'wss:') parsed.protocol = 'https:'
  return parsed.origin
}

/** Describes the admin API's `{ code, message }` errors; its PARTICIPANT_NOT_FOUND is kept. */
function describeAdminError({ body }: { body: unknown }) {
  const parsed = AdminErrorSchema.safeParse(body)
  if (!parsed.success) return undefined
  return parsed.data.code === 'PARTICIPANT_NOT_FOUND'
    ? { code: 'PARTICIPANT_NOT_FOUND' as const, retryable: false, detail: parsed.data.message }
    : { detail: parsed.data.message }
}

/**
 * The server half of the built-in provider: maps room names to signaling room ids and issues
 * short-lived HS256 credentials for the signaling server (`createSignalingServer`) that shares `secret`.
 * Moderation (list, remove, mute, update, close) goes to that server's admin API at `url`'s origin, with a
 * 60-second admin token for the one room.
 */
export function signaling(settings?: SignalingSettings): SignalingServerAdapter {
  const { secret, url, path, turn } = resolveSignalingSettings(settings)
  const connect: Token['connect'] = path === undefined ? { url } : { url, path }
  const baseUrl = adminOrigin(url)
  const restSettings = resolveVendorRestSettings({})

  /** One admin API request, with a fresh admin token for `room`. */
  async function admin<T>(room: Room, request: Omit<VendorRequest<T>, 'path'> & { path: string }): Promise<T> {
    const issuedAt = Math.floor(Date.now() / 1000)
    const claims: AdminClaims = { iss: 'callport-signaling', aud: ADMIN_AUDIENCE, room: room.name, iat: issuedAt, exp: issuedAt + ADMIN_TOKEN_SECONDS }
    const client = createVendorRestClient({
      provider: SIGNALING_PROVIDER,
      vendor: 'Signaling server',
      providerVersion: VERSION,
      baseUrl,
      headers: { authorization: `Bearer ${await signHs256JwtAsync({ ...claims }, secret)}`, accept: 'application/json' },
      settings: restSettings,
      describeError: describeAdminError,
    })
    return client.request({ ...request, path: `${ADMIN_PATH_PREFIX}rooms/${encodeURIComponent(room.name)}${request.path}` })
  }

  const participantPath = (identity: string) => `/participants/${encodeURIComponent(identity)}`

  const adapter = defineServerAdapter(
    {
      provider: SIGNALING_PROVIDER,
      vendor: 'Signaling',
      tokenTtlSeconds: signalingTokenTtlBounds,

      async ensureRoom({ name }): Promise<Room> {
        if (!RoomNameSchema.safeParse(name).success) {
          throw new CallportError('INVALID_INPUT', `Invalid room name ${JSON.stringify(name)}`, { provider: SIGNALING_PROVIDER })
        }
        return { name, provider: SIGNALING_PROVIDER, providerRoomId: signalingRoomId(name) }
      },

      async issueToken({ room, participant, ttlSeconds }): Promise<Token> {
        if (room.provider !== SIGNALING_PROVIDER || room.providerRoomId !== signalingRoomId(room.name)) {
          throw new CallportError('INVALID_INPUT', `Room ${JSON.stringify(room.name)} is not a signaling room (use ensureRoom first)`, { provider: SIGNALING_PROVIDER })
        }
        const issuedAt = Math.floor(Date.now() / 1000)
        const claims: SignalingClaims = {
          iss: 'callport-signaling',
          sub: participant.identity,
          room: room.name,
          role: participant.role,
          ...(participant.name === undefined ? {} : { name: participant.name }),
          ...(participant.metadata === undefined ? {} : { metadata: participant.metadata }),
          iat: issuedAt,
          exp: issuedAt + ttlSeconds,
        }
        return {
          provider: SIGNALING_PROVIDER,
          room: room.name,
          providerRoomId: room.providerRoomId,
          identity: participant.identity,
          value: await signSignalingCredentialAsync(claims, secret),
          expiresAt: new Date(claims.exp * 1000).toISOString(),
          // TURN credentials for this participant, expiring with the token (a refreshed token brings fresh ones).
          connect: turn
            ? {
                ...connect,
                [ICE_SERVERS_PARAMETER]: JSON.stringify([await createTurnCredentials(turn, { identity: participant.identity, ttlSeconds, now: issuedAt * 1000 })]),
              }
            : connect,
        }
      },

      async listParticipants({ room, signal }: RoomOperationOptions): Promise<Participant[]> {
        const answer = await admin(room, {
          method: 'GET',
          path: '/participants',
          schema: AdminParticipantsSchema,
          operation: `listing the participants of ${room.name}`,
          signal,
        })
        return answer.participants
      },

      async removeParticipant({ room, identity, signal }: RoomOperationOptions & { identity: string }): Promise<void> {
        // Not retried after an attempt that may have acted: a second one would say PARTICIPANT_NOT_FOUND.
        await admin(room, { method: 'DELETE', path: participantPath(identity), idempotent: false, operation: `removing ${identity} from ${room.name}`, signal })
      },

      async muteParticipant({ room, identity, kind, signal }: RoomOperationOptions & { identity: string; kind: TrackKind }): Promise<void> {
        await admin(room, {
          method: 'POST',
          path: `${participantPath(identity)}/mute`,
          body: { json: { kind } },
          idempotent: true,
          operation: `muting the ${kind === 'audio' ? 'microphone' : 'camera'} of ${identity} in ${room.name}`,
          signal,
        })
      },

      async updateParticipant({ room, identity, name, metadata, signal }: UpdateParticipantOptions): Promise<void> {
        await admin(room, {
          method: 'PATCH',
          path: participantPath(identity),
          body: { json: { ...(name === undefined ? {} : { name }), ...(metadata === undefined ? {} : { metadata }) } },
          idempotent: true,
          operation: `updating ${identity} in ${room.name}`,
          signal,
        })
      },

      async closeRoom({ room, signal }: RoomOperationOptions): Promise<void> {
        await admin(room, { method: 'DELETE', path: '', operation: `closing ${room.name}`, signal })
      },
    },
    { url, path },
  )
  return adapter as typeof adapter & { provider: typeof SIGNALING_PROVIDER }
}
