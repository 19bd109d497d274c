import { CallportError, type Token } from '@callport/core'
import * as z from 'zod/mini'

const text = z.string()
const IceServersSchema = z.array(z.object({ urls: z.union([text, z.array(text)]), username: z.optional(text), credential: z.optional(text) }))

/**
 * The ICE servers a token carries in `token.connect.iceServers` (JSON text, such as the TURN
 * credentials a self-hosted provider's server half issued for this participant and this token's
 * lifetime); none when it carries none. Throws INVALID_INPUT naming the token's provider for anything
 * but a JSON list of `{ urls, username?, credential? }`.
 */
export function iceServersOf({ connect, provider }: Pick<Token, 'connect' | 'provider'>): RTCIceServer[] {
  const value = connect.iceServers
  if (value === undefined) return []
  try {
    // JSON.parse turns a number or boolean into text first; what it gives is not a list and is refused.
    return IceServersSchema.parse(JSON.parse(value as string))
  } catch {
    throw new CallportError('INVALID_INPUT', 'Bad token.connect.iceServers', { provider })
  }
}
