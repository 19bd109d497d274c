import * as z from 'zod/mini'
import { RoleSchema } from '@callport/core'

/** Kaleyra regions, as the widget's `configure` names them. */
export const kaleyraRegions = ['eu', 'in', 'us'] as const
export type KaleyraRegion = (typeof kaleyraRegions)[number]

/** Kaleyra environments. */
export const kaleyraEnvironments = ['sandbox', 'production'] as const
export type KaleyraEnvironment = (typeof kaleyraEnvironments)[number]

/**
 * The region Kaleyra serves an environment from: the sandbox exists in `eu` only. (Widget 2.7.5
 * `_getSocketConnectionURL` would open `cs.sandbox.<region>.bandyer.com` for any region; only the
 * `eu` one exists.) Both halves apply it: the server to its REST host and the token, the client to
 * `configure`, whatever an older token says.
 */
export function kaleyraEffectiveRegion(region: KaleyraRegion, environment: KaleyraEnvironment): KaleyraRegion {
  return environment === 'sandbox' ? 'eu' : region
}

export const KaleyraRegionSchema = z.enum(kaleyraRegions)
export const KaleyraEnvironmentSchema = z.enum(kaleyraEnvironments)

/**
 * What a Kaleyra token carries in `token.connect`: everything the browser needs to configure the
 * widget and join the room, and nothing secret. Written by the server half, read by the client half.
 */
export const KaleyraConnectParametersSchema = z.object({
  appId: z.string().check(z.minLength(1)),
  region: KaleyraRegionSchema,
  environment: KaleyraEnvironmentSchema,
  /** The participant is an admin of the Kaleyra room (Callport role `moderator`). */
  isAdmin: z.boolean(),
  role: RoleSchema,
  /** This user's join link for the Kaleyra room, where the room API returned one. */
  roomUrl: z.optional(z.url()),
  /** The Kaleyra room id the link belongs to. */
  kaleyraRoomId: z.optional(z.string().check(z.minLength(1))),
})
export type KaleyraConnectParameters = z.infer<typeof KaleyraConnectParametersSchema>
