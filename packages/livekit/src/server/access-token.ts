import type { Metadata, Role } from '@callport/core'
import { signHs256JwtAsync } from '@callport/provider-utils/server'

/**
 * LiveKit's `video` grant, as livekit-server-sdk's `VideoGrant` spells it: only the fields Callport
 * sets. (`livekit/protocol` `auth/grants.go` reads the same JSON names.)
 */
export interface LiveKitVideoGrant {
  room?: string
  roomJoin?: boolean
  roomAdmin?: boolean
  roomCreate?: boolean
  roomList?: boolean
  canPublish?: boolean
  canSubscribe?: boolean
  canPublishData?: boolean
}

/** The grants each Callport role gets in its room. */
export function videoGrantOfRole(room: string, role: Role): LiveKitVideoGrant {
  switch (role) {
    case 'moderator':
      return { room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true, roomAdmin: true }
    case 'publisher':
      return { room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true }
    case 'subscriber':
      // Receives only: no media and no data messages, as a subscriber in every other provider.
      return { room, roomJoin: true, canPublish: false, canSubscribe: true, canPublishData: false }
  }
}

export interface LiveKitAccessTokenInput {
  apiKey: string
  apiSecret: string
  /** Becomes `sub`. */
  identity?: string
  /** Display name (`name`), left out when empty as livekit-server-sdk does. */
  name?: string
  /** Sent as LiveKit's `metadata` string: the JSON of Callport's metadata object. Left out when absent. */
  metadata?: Metadata
  video: LiveKitVideoGrant
  /** Seconds since the epoch: `nbf`. */
  issuedAt: number
  ttlSeconds: number
}

/**
 * The claims livekit-server-sdk 2.x's `AccessToken.toJwt()` writes for the same input: the grants
 * (`name`, `metadata`, `video`) with `iss` (the API key), `sub` (the identity), `nbf` (now) and `exp`
 * (now + ttl); no `iat` and no `jti`. test/access-token.test.ts compares them with the SDK's own.
 */
export function accessTokenClaims(input: LiveKitAccessTokenInput): Record<string, unknown> {
  return {
    ...(input.metadata === undefined ? {} : { metadata: JSON.stringify(input.metadata) }),
    ...(input.name ? { name: input.name } : {}),
    video: input.video,
    iss: input.apiKey,
    exp: input.issuedAt + input.ttlSeconds,
    nbf: input.issuedAt,
    ...(input.identity ? { sub: input.identity } : {}),
  }
}

/** An HS256 LiveKit access token, signed locally (node:crypto on Node, Web Crypto elsewhere). */
export function createAccessToken(input: LiveKitAccessTokenInput): Promise<string> {
  return signHs256JwtAsync(accessTokenClaims(input), input.apiSecret)
}
