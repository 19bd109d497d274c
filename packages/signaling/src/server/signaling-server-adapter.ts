import {
  CallportError,
  RoomNameSchema,
  specificationVersion,
  throwIfAborted,
  type EnsureRoomOptions,
  type IssueTokenOptions,
  type Room,
  type ServerAdapter,
  type ServerCapabilities,
  type Token,
} from '@callport/core'
import type { SignalingClaims } from '../shared/protocol'
import { signSignalingCredential } from './credentials'
import { signalingRoomId } from './room-id'
import { resolveSignalingSettings, type SignalingSettings } from './settings'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

/** Token lifetimes the signaling provider accepts, in seconds (one minute to one day). */
export const signalingTokenTtlSeconds = { min: 60, max: 86_400 } as const

const capabilities: ServerCapabilities = {
  getRoom: false,
  listParticipants: false,
  removeParticipant: false,
  closeRoom: false,
  webhooks: false,
  tokenTtlSeconds: signalingTokenTtlSeconds,
}

/**
 * The server half of the built-in provider: maps room names to signaling room ids and issues
 * short-lived HS256 credentials for the signaling server (`createSignalingServer`) that shares `secret`.
 */
export function signaling(settings: SignalingSettings = {}): ServerAdapter {
  const { secret, url, path } = resolveSignalingSettings(settings)
  const connect: Token['connect'] = path === undefined ? { url } : { url, path }

  return {
    specificationVersion,
    provider: SIGNALING_PROVIDER,
    capabilities,

    async ensureRoom({ name, signal }: EnsureRoomOptions): Promise<Room> {
      throwIfAborted(signal)
      if (!RoomNameSchema.safeParse(name).success) {
        throw new CallportError('INVALID_INPUT', `Invalid room name ${JSON.stringify(name)}`, { provider: SIGNALING_PROVIDER })
      }
      return { name, provider: SIGNALING_PROVIDER, providerRoomId: signalingRoomId(name) }
    },

    async issueToken({ room, participant, ttlSeconds, signal }: IssueTokenOptions): Promise<Token> {
      throwIfAborted(signal)
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < capabilities.tokenTtlSeconds.min || ttlSeconds > capabilities.tokenTtlSeconds.max) {
        throw new CallportError(
          'INVALID_INPUT',
          `ttlSeconds must be a whole number from ${capabilities.tokenTtlSeconds.min} to ${capabilities.tokenTtlSeconds.max}, got ${ttlSeconds}`,
          { provider: SIGNALING_PROVIDER },
        )
      }
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
        value: signSignalingCredential(claims, secret),
        expiresAt: new Date(claims.exp * 1000).toISOString(),
        connect,
      }
    },
  }
}
