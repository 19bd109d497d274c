import { CallportError } from '@callport/core'
import type { VendorRestClient } from '@callport/provider-utils/server'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { createConnection, type WebRtcConnectionRequest } from './connections'
import { ensureSession } from './sessions'
import type { IssuedConnection } from './wire-schemas'

/**
 * Creates a connection in the session; when OpenVidu answers 404 (the session closed since it was
 * ensured, for example because its last participant left), re-creates the session once and retries.
 */
export async function issueConnection(rest: VendorRestClient, sessionId: string, request: WebRtcConnectionRequest, signal?: AbortSignal): Promise<IssuedConnection> {
  const first = await createConnection(rest, sessionId, request, signal)
  if (first) return first
  await ensureSession(rest, sessionId, signal)
  const second = await createConnection(rest, sessionId, request, signal)
  if (second) return second
  throw new CallportError('ROOM_NOT_FOUND', `OpenVidu closed the session ${sessionId} again while a connection was being created in it`, {
    provider: OPENVIDU_PROVIDER,
    retryable: true,
    vendor: { status: 404, body: undefined },
  })
}
