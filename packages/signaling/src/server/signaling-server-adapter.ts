import { CallportError, RoomNameSchema, type Room, type ServerAdapter, type ServerCapabilities, type Token, type TokenTtlBounds } from '@callport/core'
import { defineServerAdapter } from '@callport/provider-utils/server'
import type { SignalingClaims } from '../shared/protocol'
import { SIGNALING_PROVIDER } from '../shared/provider-id'
import { signSignalingCredentialAsync } from './credentials'
import { signalingRoomId } from './room-id'
import { resolveSignalingSettings, type SignalingSettings } from './settings'

/** Token lifetimes the signaling provider accepts, in whole seconds (one minute to one day). */
export const signalingTokenTtlBounds: TokenTtlBounds = { min: 60, max: 86_400 }

/**
 * What the signaling server half can do: it keeps no room state of its own (a room exists on the
 * signaling server while someone is in it), so it has none of the optional methods.
 */
export const signalingServerCapabilities: ServerCapabilities = {
  getRoom: false,
  listParticipants: false,
  removeParticipant: false,
  closeRoom: false,
  muteParticipant: false,
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

/**
 * The server half of the built-in provider: maps room names to signaling room ids and issues
 * short-lived HS256 credentials for the signaling server (`createSignalingServer`) that shares `secret`.
 */
export function signaling(settings?: SignalingSettings): SignalingServerAdapter {
  const { secret, url, path } = resolveSignalingSettings(settings)
  const connect: Token['connect'] = path === undefined ? { url } : { url, path }

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
          connect,
        }
      },
    },
    { url, path },
  )
  return adapter as typeof adapter & { provider: typeof SIGNALING_PROVIDER }
}
