import type { OpenViduRole } from '../shared/openvidu-roles'
import { errorFromOpenViduResponse, unexpectedBody } from './openvidu-errors'
import type { OpenViduRestClient } from './rest-client'
import { sessionPath } from './sessions'
import { bodyOf, ConnectionListSchema, ConnectionSchema, type IssuedConnection, type OpenViduConnection } from './wire-schemas'

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
export async function createConnection(
  rest: OpenViduRestClient,
  sessionId: string,
  request: WebRtcConnectionRequest,
  signal?: AbortSignal,
): Promise<IssuedConnection | null> {
  const operation = `creating a connection in the session ${sessionId}`
  const response = await rest.send({ method: 'POST', path: `${sessionPath(sessionId)}/connection`, json: request, signal, operation })
  if (response.status === 404) return null
  if (response.status !== 200) throw errorFromOpenViduResponse(response.status, response.body, { operation, missing: 'room' })
  const connection = bodyOf(ConnectionSchema, response, operation)
  const { token } = connection
  if (!token) throw unexpectedBody(response.status, response.body, operation, [{ path: ['token'], message: 'missing' }])
  return { ...connection, token }
}

/** `GET /sessions/{id}/connection`: every connection, pending ones included. ROOM_NOT_FOUND on 404. */
export async function listConnections(rest: OpenViduRestClient, sessionId: string, signal?: AbortSignal): Promise<OpenViduConnection[]> {
  const operation = `listing the connections of the session ${sessionId}`
  const response = await rest.send({ method: 'GET', path: `${sessionPath(sessionId)}/connection`, signal, operation })
  if (response.status !== 200) throw errorFromOpenViduResponse(response.status, response.body, { operation, missing: 'room' })
  return bodyOf(ConnectionListSchema, response, operation).content
}

/**
 * `DELETE /sessions/{id}/connection/{connectionId}`: evicts an active connection, or voids a pending
 * one's token. False when OpenVidu has no such connection (404); ROOM_NOT_FOUND when it has no such
 * session (which OpenVidu answers with 400).
 */
export async function deleteConnection(rest: OpenViduRestClient, sessionId: string, connectionId: string, signal?: AbortSignal): Promise<boolean> {
  const operation = `removing the connection ${connectionId} from the session ${sessionId}`
  const response = await rest.send({ method: 'DELETE', path: `${sessionPath(sessionId)}/connection/${encodeURIComponent(connectionId)}`, signal, operation })
  if (response.status === 204 || response.status === 200) return true
  if (response.status === 404) return false
  throw errorFromOpenViduResponse(response.status, response.body, { operation, missing: 'participant', badRequestMeansNoSession: true })
}
