import { CallportError, type Token } from '@callport/core'
import * as z from 'zod/mini'
import { ICE_SERVERS_PARAMETER } from '../shared/connect-parameters'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

const IceServersSchema = z.array(
  z.object({
    urls: z.union([z.string().check(z.minLength(1)), z.array(z.string().check(z.minLength(1))).check(z.minLength(1))]),
    username: z.optional(z.string()),
    credential: z.optional(z.string()),
  }),
)

/**
 * The ICE servers a token carries (`token.connect.iceServers`: JSON, such as TURN credentials the
 * server half issued for this participant and this token's lifetime); none when it carries none.
 * Throws INVALID_INPUT for a value that is not a list of ICE servers.
 */
export function iceServersOf(token: Token): RTCIceServer[] {
  const text = token.connect[ICE_SERVERS_PARAMETER]
  if (text === undefined) return []
  let value: unknown
  try {
    value = typeof text === 'string' ? JSON.parse(text) : text
  } catch {
    value = text
  }
  const parsed = IceServersSchema.safeParse(value)
  if (!parsed.success) {
    throw new CallportError('INVALID_INPUT', `token.connect.${ICE_SERVERS_PARAMETER} is not a JSON list of ICE servers ({ urls, username?, credential? })`, {
      provider: SIGNALING_PROVIDER,
    })
  }
  return parsed.data.map((server) => ({ ...server, urls: server.urls }))
}

/**
 * The configuration of a new peer connection: the adapter's `rtcConfiguration`, with the token's ICE
 * servers after its own (so that a page's STUN server is tried alongside the server's TURN relay).
 * Read per peer connection, so that a refreshed token's credentials serve the connections made after it.
 */
export function rtcConfigurationFor(base: RTCConfiguration | undefined, token: Token): RTCConfiguration | undefined {
  const fromToken = iceServersOf(token)
  if (fromToken.length === 0) return base
  return { ...base, iceServers: [...(base?.iceServers ?? []), ...fromToken] }
}
