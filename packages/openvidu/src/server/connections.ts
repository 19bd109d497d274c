import type { VendorRestClient } from '@callport/provider-utils/server'
import type { OpenViduRole } from '../shared/openvidu-roles'
import { unknownSessionOnConnectionUrl } from './rest-client'
import { sessionPath } from './sessions'
import { ConnectionListSchema, IssuedConnectionSchema, type IssuedConnection, type OpenViduConnection } from './wire-schemas'

/** OpenVidu connection operations (`/openvidu/api/sessions/{id}/connection`). */

/** The body of `POST /sessions/{id}/connection` for a browser participant. */
export interface WebRtcConnectionRequest {
  type: 'WEBRTC'
  role: OpenViduRole
  /** Server data, readable by every participant. */
  data: string
  record?: boolean
  kurentoOptions?: Record<string, unknown>
  customIceServers?: unknown[]
}

/** `POST /sessions/{id}/connection`: the new (pending) connection with its token, or null when the session is gone (404). */
export async function createConnection(rest: VendorRestClient, sessionId: string, request: WebRtcConnectionRequest, signal?: AbortSignal): Promise<IssuedConnection | null> {
  const answer = await rest.requestWithStatus({
    method: 'POST',
    path: `${sessionPath(sessionId)}/connection`,
    body: { json: request },
    schema: IssuedConnectionSchema,
    operation: `creating a connection in the session ${sessionId}`,
    signal,
    accept: [404],
  })
  return answer.ok ? answer.data : null
}

/** `GET /sessions/{id}/connection`: every connection, pending ones included. ROOM_NOT_FOUND on 404. */
export async function listConnections(rest: VendorRestClient, sessionId: string, signal?: AbortSignal): Promise<OpenViduConnection[]> {
  const list = await rest.request({
    method: 'GET',
    path: `${sessionPath(sessionId)}/connection`,
    schema: ConnectionListSchema,
    operation: `listing the connections of the session ${sessionId}`,
    signal,
    notFound: 'ROOM_NOT_FOUND',
  })
  return list.content
}

/**
 * `DELETE /sessions/{id}/connection/{connectionId}`: evicts an active connection, or voids a pending
 * one's token. False when OpenVidu has no such connection (404); ROOM_NOT_FOUND when it has no such
 * session (which OpenVidu answers with 400 there).
 */
export async function deleteConnection(rest: VendorRestClient, sessionId: string, connectionId: string, signal?: AbortSignal): Promise<boolean> {
  const answer = await rest.requestWithStatus({
    method: 'DELETE',
    path: `${sessionPath(sessionId)}/connection/${encodeURIComponent(connectionId)}`,
    operation: `removing the connection ${connectionId} from the session ${sessionId}`,
    signal,
    statusMeanings: unknownSessionOnConnectionUrl,
    accept: [404],
  })
  return answer.ok
}
