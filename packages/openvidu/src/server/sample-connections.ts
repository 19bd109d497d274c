import { CallportError, type Participant, type Room } from '@callport/core'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'

/** The connection properties a samples page may pass through to OpenVidu (`ConnectionProperties.fromJson`), already checked. */
export interface SampleConnectionProperties {
  /** The page's server data, checked with `checkPageServerData`. */
  data?: string
  record?: boolean
  kurentoOptions?: Record<string, unknown>
  customIceServers?: unknown[]
}

/** Creates an OpenVidu connection for a samples page and answers its token. */
export type SampleConnectionIssuer = (room: Room, participant: Participant, properties: SampleConnectionProperties, signal?: AbortSignal) => Promise<string>

/**
 * The sample connection issuer of each adapter `openvidu()` made, so that `openViduSampleRoutes`
 * reaches the adapter's REST client without the adapter exposing a method for it.
 */
const issuers = new WeakMap<object, SampleConnectionIssuer>()

export function registerSampleConnectionIssuer(adapter: object, issuer: SampleConnectionIssuer): void {
  issuers.set(adapter, issuer)
}

/** The issuer of an adapter made by `openvidu()`; INVALID_INPUT for anything else. */
export function sampleConnectionIssuerOf(adapter: unknown): SampleConnectionIssuer {
  const issuer = typeof adapter === 'object' && adapter !== null ? issuers.get(adapter) : undefined
  if (!issuer) {
    throw new CallportError('INVALID_INPUT', 'openViduSampleRoutes needs the adapter that openvidu() from @callport/openvidu/server made (the one given to createCallServer)', {
      provider: OPENVIDU_PROVIDER,
    })
  }
  return issuer
}
