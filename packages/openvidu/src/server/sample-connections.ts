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

/** What the samples' routes do through the adapter's REST client. */
export interface SampleOperations {
  issue: SampleConnectionIssuer
  /**
   * `POST /sessions` with the page's whole body (session properties) and `customSessionId` set:
   * true when OpenVidu created the session, false when it existed (409).
   */
  createSession(sessionId: string, properties: Record<string, unknown>, signal?: AbortSignal): Promise<boolean>
  /** `DELETE /sessions/{id}`, for a session created for a room that could not be placed on OpenVidu. */
  deleteSession(sessionId: string): Promise<void>
}

/**
 * The sample connection issuer of each adapter `openvidu()` made, so that `openViduSampleRoutes`
 * reaches the adapter's REST client without the adapter exposing a method for it.
 */
const issuers = new WeakMap<object, SampleOperations>()

export function registerSampleOperations(adapter: object, operations: SampleOperations): void {
  issuers.set(adapter, operations)
}

/** The issuer of an adapter made by `openvidu()`; INVALID_INPUT for anything else. */
export function sampleOperationsOf(adapter: unknown): SampleOperations {
  const issuer = typeof adapter === 'object' && adapter !== null ? issuers.get(adapter) : undefined
  if (!issuer) {
    throw new CallportError(
      'INVALID_INPUT',
      'openViduSampleRoutes needs the adapter that openvidu() from @callport/openvidu/server made (the one given to createCallServer)',
      {
        provider: OPENVIDU_PROVIDER,
      },
    )
  }
  return issuer
}
