import { ParticipantSchema, RoomSchema, type ServerAdapter, type ServerCapabilities, type Token, type TokenTtlBounds } from '@callport/core'
import { parseInput } from '@callport/provider-utils'
import { defineServerAdapter } from '@callport/provider-utils/server'
import * as z from 'zod/mini'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import { vidyoUserNameOf } from '../shared/user-name'
import { generateVidyoToken } from './generate-token'
import { vidyoResourceIdOf } from './resource-id'
import { loadVidyoSettings, type VidyoSettings } from './settings'

/**
 * Token lifetimes `issueToken` accepts. A Vidyo token is checked only when a client connects (or
 * reconnects): a call outlives its token. So the lifetime only has to cover the time to connect,
 * plus the reconnections of one sitting; a day at most keeps a leaked token short-lived.
 */
export const vidyoTokenTtlBounds: TokenTtlBounds = { min: 60, max: 86_400 }

/**
 * What the Vidyo.io server adapter can do. Rooms are implicit on Vidyo (a resourceId need not be
 * provisioned) and Vidyo.io has no REST API for listing or removing participants and sends no
 * webhooks, so only `ensureRoom` and `issueToken` exist.
 */
export const vidyoServerCapabilities: ServerCapabilities = {
  getRoom: false,
  listParticipants: false,
  removeParticipant: false,
  closeRoom: false,
  muteParticipant: false,
  webhooks: false,
  tokenTtlSeconds: vidyoTokenTtlBounds,
}

/** The Vidyo.io server adapter, with its resolved, secret-free settings. */
export interface VidyoServerAdapter extends ServerAdapter {
  readonly provider: typeof VIDYO_PROVIDER
  /** The Vidyo.io application id tokens are issued for. */
  readonly appId: string
  /** The host clients connect to (`token.connect.host`). */
  readonly host: string
}

const IssueTokenInputSchema = z.object({
  room: z.extend(RoomSchema, {
    provider: z.literal(VIDYO_PROVIDER, `Room must live on the ${VIDYO_PROVIDER} provider`),
    providerRoomId: z.string().check(z.regex(/^[A-Za-z0-9]+$/, 'A Vidyo resourceId is alphanumeric')),
  }),
  participant: ParticipantSchema,
})

/**
 * The Vidyo.io server adapter: `vidyo({ appId, developerKey, host })`, each setting falling back to
 * `VIDYO_APP_ID`, `VIDYO_DEVELOPER_KEY` and `VIDYO_HOST` (default `prod.vidyo.io`). `ensureRoom`
 * only maps the room name to its resourceId; tokens are signed locally, for the user name
 * `vidyoUserNameOf(identity)` (letters and digits, as Vidyo requires). Throws INVALID_INPUT naming
 * the setting and its variable when one is missing or invalid, or a setting is unknown.
 */
export function vidyo(settings?: VidyoSettings): VidyoServerAdapter {
  const resolved = loadVidyoSettings(settings)
  return defineServerAdapter(
    {
      provider: VIDYO_PROVIDER,
      vendor: 'Vidyo',
      tokenTtlSeconds: vidyoTokenTtlBounds,

      async ensureRoom({ name }) {
        return { name, provider: VIDYO_PROVIDER, providerRoomId: vidyoResourceIdOf(name) }
      },

      async issueToken(options): Promise<Token> {
        const { room, participant } = parseInput(IssueTokenInputSchema, options, { subject: 'Cannot issue a Vidyo token', provider: VIDYO_PROVIDER })
        const now = Date.now()
        const expiresAt = new Date((Math.floor(now / 1000) + options.ttlSeconds) * 1000)
        const value = generateVidyoToken({
          developerKey: resolved.developerKey,
          appId: resolved.appId,
          userName: vidyoUserNameOf(participant.identity),
          expiresAt,
          vCard: resolved.vCard?.(participant),
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
            host: resolved.host,
            resourceId: room.providerRoomId,
            displayName: participant.name || participant.identity,
          },
        }
      },
    },
    { provider: VIDYO_PROVIDER, appId: resolved.appId, host: resolved.host },
  )
}
