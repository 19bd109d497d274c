import { CallportError, type Token } from '@callport/core'
import * as z from 'zod/mini'
import { ICE_SERVERS_PARAMETER } from '../shared/connect-parameters'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

const text = z.string()
const IceServersSchema = z.array(z.object({ urls: z.union([text, z.array(text)]), username: z.optional(text), credential: z.optional(text) }))

/**
 * The ICE servers a token carries (`token.connect.iceServers`: JSON, such as TURN credentials the
 * server half issued for this participant and this token's lifetime); none when it carries none.
 * Throws INVALID_INPUT for a value that is not a JSON list of `{ urls, username?, credential? }`.
 */
export function iceServersOf(token: Token): RTCIceServer[] {
  const value = token.connect[ICE_SERVERS_PARAMETER]
  if (value === undefined) return []
  try {
    return IceServersSchema.parse(JSON.parse(String(value)))
  } catch {
    throw new CallportError('INVALID_INPUT', 'Bad token.connect.iceServers', { provider: SIGNALING_PROVIDER })
  }
}

/**
 * The configuration of a new peer connection: the adapter's `rtcConfiguration`, with the token's ICE
 * servers after its own (so that a page's STUN server is tried alongside the server's TURN relay).
 * Read per peer connection, so that a refreshed token's credentials serve the connections made after it.
 */
export function rtcConfigurationFor(base: RTCConfiguration | undefined, token: Token): RTCConfiguration | undefined {
  const fromToken = iceServersOf(token)
  return fromToken.length === 0 ? base : { ...base, iceServers: [...(base?.iceServers ?? []), ...fromToken] }
}
