import {
  IdentitySchema,
  ParticipantSchema,
  RoomSchema,
  specificationVersion,
  throwIfAborted,
  type EnsureRoomOptions,
  type IssueTokenOptions,
  type Room,
  type ServerAdapter,
  type Token,
} from '@callport/core'
import * as z from 'zod/mini'
import { parseInput } from '../shared/parse-input'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import { generateVidyoToken } from './generate-token'
import { vidyoResourceIdOf } from './resource-id'
import { VIDYO_TOKEN_TTL_SECONDS, type ResolvedVidyoSettings } from './settings'

const IssueTokenInputSchema = z.object({
  room: z.extend(RoomSchema, {
    provider: z.literal(VIDYO_PROVIDER, `Room must live on the ${VIDYO_PROVIDER} provider`),
    providerRoomId: z.string().check(z.regex(/^[A-Za-z0-9]+$/, 'A Vidyo resourceId is alphanumeric')),
  }),
  participant: z.extend(ParticipantSchema, {
    identity: IdentitySchema.check(z.regex(/^[^@]*$/, 'Identity must not contain "@": Vidyo tokens name the user as identity@appId')),
  }),
  ttlSeconds: z.int().check(
    z.minimum(VIDYO_TOKEN_TTL_SECONDS.min, `Token lifetime must be at least ${VIDYO_TOKEN_TTL_SECONDS.min} seconds`),
    z.maximum(VIDYO_TOKEN_TTL_SECONDS.max, `Token lifetime must be at most ${VIDYO_TOKEN_TTL_SECONDS.max} seconds`),
  ),
})

/**
 * The Vidyo.io server adapter. Rooms are implicit on Vidyo (a resourceId need not be provisioned), so
 * `ensureRoom` only maps the name; tokens are signed locally. Vidyo.io has no REST API for listing or
 * removing participants and sends no webhooks, so those capabilities are absent.
 */
export function createVidyoServerAdapter(settings: ResolvedVidyoSettings): ServerAdapter {
  return {
    specificationVersion,
    provider: VIDYO_PROVIDER,
    capabilities: {
      getRoom: false,
      listParticipants: false,
      removeParticipant: false,
      closeRoom: false,
      webhooks: false,
      tokenTtlSeconds: VIDYO_TOKEN_TTL_SECONDS,
    },

    async ensureRoom({ name, signal }: EnsureRoomOptions): Promise<Room> {
      throwIfAborted(signal)
      return { name, provider: VIDYO_PROVIDER, providerRoomId: vidyoResourceIdOf(name) }
    },

    async issueToken(options: IssueTokenOptions): Promise<Token> {
      throwIfAborted(options.signal)
      const { room, participant, ttlSeconds } = parseInput(IssueTokenInputSchema, options, 'Cannot issue a Vidyo token')
      const now = Date.now()
      const expiresAt = new Date((Math.floor(now / 1000) + ttlSeconds) * 1000)
      const value = generateVidyoToken({
        developerKey: settings.developerKey,
        appId: settings.appId,
        userName: participant.identity,
        expiresAt,
        vCard: settings.vCard?.(participant),
        now,
      })
      return {
        provider: VIDYO_PROVIDER,
        room: room.name,
        providerRoomId: room.providerRoomId,
        identity: participant.identity,
        value,
        expiresAt: expiresAt.toISOString(),
        connect: {
          host: settings.host,
          resourceId: room.providerRoomId,
          displayName: participant.name || participant.identity,
        },
      }
    },
  }
}
