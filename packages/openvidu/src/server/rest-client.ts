import { basicAuthorization, createVendorRestClient, type StatusMeanings, type VendorRestClient } from '@callport/provider-utils/server'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { VERSION } from '../shared/version'
import type { ResolvedOpenViduSettings } from './settings'

/**
 * Where OpenVidu's REST API differs from the shared status table: a 401 almost always means the
 * secret is not the one the OpenVidu server was started with. Everything else (400, 404 with the
 * request's `notFound`, 429, 5xx …) is the shared table.
 */
export const openViduStatusMeanings: StatusMeanings = {
  401: {
    code: 'PROVIDER_REJECTED',
    retryable: false,
    message: 'refused the credentials: check that the secret (OPENVIDU_SECRET) is the one the OpenVidu server is configured with',
  },
}

/**
 * OpenVidu answers **400**, not 404, on connection URLs (`GET`/`DELETE …/sessions/{id}/connection/{connectionId}`)
 * when it has no such session (reference/vendors.md §1.5).
 */
export const unknownSessionOnConnectionUrl: StatusMeanings = {
  400: { code: 'ROOM_NOT_FOUND', retryable: false, message: 'has no such session' },
}

/**
 * `DELETE /sessions/{id}` answers **400** only when it waited 15 s for the closing lock of a session
 * that is being created or closed and did not get it (openvidu-server 2.32.2
 * `rest/SessionRestController.java` `closeSession`: "Timeout waiting for Session … closing lock to be
 * available"). That is temporary: the same DELETE may succeed later (a session it cannot find, or
 * finds already closed, is a 404).
 */
export const closingLockOnSessionDelete: StatusMeanings = {
  400: { code: 'PROVIDER_UNAVAILABLE', retryable: true, message: "could not take the session's closing lock in time (the session is being created or closed)" },
}

/** The Authorization header value OpenVidu expects: HTTP Basic `OPENVIDUAPP:<secret>`. */
export function openViduAuthorization(secret: string): string {
  return basicAuthorization('OPENVIDUAPP', secret)
}

/** OpenVidu's REST API (`<url>/openvidu/api`) through the shared vendor REST client. */
export function createOpenViduRestClient(settings: ResolvedOpenViduSettings): VendorRestClient {
  return createVendorRestClient({
    provider: OPENVIDU_PROVIDER,
    vendor: 'OpenVidu',
    providerVersion: VERSION,
    baseUrl: settings.apiUrl,
    headers: { authorization: openViduAuthorization(settings.secret), accept: 'application/json' },
    settings,
    statusMeanings: openViduStatusMeanings,
  })
}
