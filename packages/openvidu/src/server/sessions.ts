import { CallportError } from '@callport/core'
import type { VendorRestClient } from '@callport/provider-utils/server'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { closingLockOnSessionDelete } from './rest-client'
import { SessionSchema, type OpenViduSession } from './wire-schemas'

/** OpenVidu session operations (`/openvidu/api/sessions`). */

export const sessionPath = (sessionId: string): string => `/sessions/${encodeURIComponent(sessionId)}`

/** `GET /sessions/{id}`: the session, or null on 404. */
export async function getSession(rest: VendorRestClient, sessionId: string, signal?: AbortSignal): Promise<OpenViduSession | null> {
  const answer = await rest.requestWithStatus({
    method: 'GET',
    path: sessionPath(sessionId),
    schema: SessionSchema,
    operation: `getting the session ${sessionId}`,
    signal,
    accept: [404],
  })
  return answer.ok ? answer.data : null
}

/**
 * Create-or-get, as openvidu-node-client does it: `POST /sessions {customSessionId}`; a 409 (empty
 * body) means the session exists, so it is fetched. Should the session close between the 409 and
 * the fetch (404), creating it is tried once more. The POST is idempotent (a repeat is a 409), so
 * it is retried like a GET.
 */
export async function ensureSession(rest: VendorRestClient, sessionId: string, signal?: AbortSignal): Promise<OpenViduSession> {
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const created = await rest.requestWithStatus({
      method: 'POST',
      path: '/sessions',
      body: { json: { customSessionId: sessionId } },
      schema: SessionSchema,
      operation: `creating the session ${sessionId}`,
      signal,
      idempotent: true,
      accept: [409],
    })
    if (created.ok) return created.data
    const existing = await getSession(rest, sessionId, signal)
    if (existing) return existing
  }
  throw new CallportError('ROOM_NOT_FOUND', `OpenVidu closed the session ${sessionId} again while it was being created`, {
    provider: OPENVIDU_PROVIDER,
    retryable: true,
    vendor: { status: 404, body: undefined },
  })
}

/**
 * `POST /sessions` with a samples page's session properties (its whole body, as the sample servers
 * forward it) and `customSessionId`: true when created, false when it existed (409). OpenVidu checks
 * the properties itself (a 400 with its message is INVALID_INPUT).
 */
export async function createSessionWithProperties(rest: VendorRestClient, sessionId: string, properties: Record<string, unknown>, signal?: AbortSignal): Promise<boolean> {
  const created = await rest.requestWithStatus({
    method: 'POST',
    path: '/sessions',
    body: { json: { ...properties, customSessionId: sessionId } },
    schema: SessionSchema,
    operation: `creating the session ${sessionId}`,
    signal,
    idempotent: true,
    accept: [409],
  })
  return created.ok
}

/**
 * `DELETE /sessions/{id}`: true when closed now, false when OpenVidu had no such session (404). A 400
 * is OpenVidu's closing lock being busy: PROVIDER_UNAVAILABLE, retryable (and retried, DELETE being idempotent).
 */
export async function deleteSession(rest: VendorRestClient, sessionId: string, signal?: AbortSignal): Promise<boolean> {
  const answer = await rest.requestWithStatus({
    method: 'DELETE',
    path: sessionPath(sessionId),
    operation: `closing the session ${sessionId}`,
    signal,
    statusMeanings: closingLockOnSessionDelete,
    accept: [404],
  })
  return answer.ok
}
