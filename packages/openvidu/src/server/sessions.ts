import { errorFromOpenViduResponse } from './openvidu-errors'
import type { OpenViduRestClient } from './rest-client'
import { bodyOf, SessionSchema, type OpenViduSession } from './wire-schemas'

/** OpenVidu session operations (`/openvidu/api/sessions`). */

const path = (sessionId: string): string => `/sessions/${encodeURIComponent(sessionId)}`

/** `GET /sessions/{id}`: the session, or null on 404. */
export async function getSession(rest: OpenViduRestClient, sessionId: string, signal?: AbortSignal): Promise<OpenViduSession | null> {
  const operation = `getting the session ${sessionId}`
  const response = await rest.send({ method: 'GET', path: path(sessionId), signal, operation })
  if (response.status === 200) return bodyOf(SessionSchema, response, operation)
  if (response.status === 404) return null
  throw errorFromOpenViduResponse(response.status, response.body, { operation, missing: 'room' })
}

/**
 * Create-or-get, as openvidu-node-client does it: `POST /sessions {customSessionId}`; a 409 (empty
 * body) means the session exists, so it is fetched. Should the session close between the 409 and
 * the fetch (404), creating it is tried once more.
 */
export async function ensureSession(rest: OpenViduRestClient, sessionId: string, signal?: AbortSignal): Promise<OpenViduSession> {
  const operation = `creating the session ${sessionId}`
  for (let attempt = 1; ; attempt += 1) {
    const response = await rest.send({ method: 'POST', path: '/sessions', json: { customSessionId: sessionId }, signal, operation })
    if (response.status === 200) return bodyOf(SessionSchema, response, operation)
    if (response.status !== 409) throw errorFromOpenViduResponse(response.status, response.body, { operation, missing: 'room' })
    const existing = await getSession(rest, sessionId, signal)
    if (existing) return existing
    if (attempt >= 2) throw errorFromOpenViduResponse(404, undefined, { operation: `getting the existing session ${sessionId}`, missing: 'room' })
  }
}

/** `DELETE /sessions/{id}`: true when closed now, false when OpenVidu had no such session (404). */
export async function deleteSession(rest: OpenViduRestClient, sessionId: string, signal?: AbortSignal): Promise<boolean> {
  const operation = `closing the session ${sessionId}`
  const response = await rest.send({ method: 'DELETE', path: path(sessionId), signal, operation })
  if (response.status === 204 || response.status === 200) return true
  if (response.status === 404) return false
  throw errorFromOpenViduResponse(response.status, response.body, { operation, missing: 'room' })
}

export { path as sessionPath }
