import type { Participant } from '@callport/core'
import * as z from 'zod/mini'
import { identityOfVidyoUserName } from '../shared/user-name'

const VidyoParticipantSchema = z.looseObject({
  id: z.union([z.string().check(z.minLength(1)), z.number()]),
  name: z.optional(z.string()),
  userId: z.optional(z.string()),
})

/**
 * A VidyoConnector participant as a Callport Participant, or undefined when the SDK handed over
 * something without an id. The identity is the app's identity decoded from the user part of the
 * token's `userName@appId` (Vidyo reports it as `userId`, with or without `@appId`; the server
 * half wrote the identity as an alphanumeric user name, `identityOfVidyoUserName` reads it back,
 * and a user name it did not write is kept as it is). Vidyo's own id becomes
 * `providerParticipantId`. Vidyo tokens carry no role, so every participant is a `publisher`.
 */
export function participantOf(vidyoParticipant: unknown): Participant | undefined {
  const parsed = VidyoParticipantSchema.safeParse(vidyoParticipant)
  if (!parsed.success) return undefined
  const providerParticipantId = String(parsed.data.id)
  const userName = parsed.data.userId?.split('@', 1)[0]
  return {
    identity: userName ? identityOfVidyoUserName(userName) : providerParticipantId,
    ...(parsed.data.name ? { name: parsed.data.name } : {}),
    role: 'publisher',
    providerParticipantId,
  }
}
