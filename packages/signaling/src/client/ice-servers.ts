import type { Token } from '@callport/core'
import { iceServersOf } from '@callport/provider-utils/client'

/**
 * The configuration of a new peer connection: the adapter's `rtcConfiguration`, with the token's ICE
 * servers after its own (so that a page's STUN server is tried alongside the server's TURN relay).
 * Read per peer connection, so that a refreshed token's credentials serve the connections made after it.
 */
export function rtcConfigurationFor(base: RTCConfiguration | undefined, token: Token): RTCConfiguration | undefined {
  const fromToken = iceServersOf(token)
  return fromToken.length === 0 ? base : { ...base, iceServers: [...(base?.iceServers ?? []), ...fromToken] }
}
