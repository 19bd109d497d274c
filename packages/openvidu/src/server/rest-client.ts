import ky, { HTTPError, type KyInstance } from 'ky'
import { throwIfAborted } from '@callport/core'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import type { ResolvedOpenViduSettings } from './settings'
import { basicAuthorization, readResponseBody, vendorRetryTiming, vendorTransportError } from '@callport/server'

/** An OpenVidu REST answer, whatever its status. */
export interface OpenViduResponse {
  status: number
  /** The parsed JSON body, the text when it is not JSON, undefined when empty. */
  body: unknown
}

export interface OpenViduRequest {
  method: 'GET' | 'POST' | 'DELETE'
  /** Path below `/openvidu/api`, starting with `/`. */
  path: string
  json?: unknown
  signal?: AbortSignal | undefined
  /** What is being done, for error messages. */
  operation: string
}

/**
 * OpenVidu's REST API with HTTP Basic auth (`OPENVIDUAPP:<secret>`), a timeout per attempt, and
 * bounded retries (with exponential backoff) on 5xx answers and network errors only. Answers every
 * HTTP status; throws a CallportError only when no answer came (ABORTED, PROVIDER_UNAVAILABLE).
 */
export interface OpenViduRestClient {
  send(request: OpenViduRequest): Promise<OpenViduResponse>
}

/** The Authorization header value OpenVidu expects. */
export function openViduAuthorization(secret: string): string {
  return basicAuthorization('OPENVIDUAPP', secret)
}

const RETRIED_STATUSES = [500, 502, 503, 504]

export function createOpenViduRestClient(settings: ResolvedOpenViduSettings): OpenViduRestClient {
  const http: KyInstance = ky.create({
    prefixUrl: settings.apiUrl,
    headers: { authorization: openViduAuthorization(settings.secret), accept: 'application/json' },
    timeout: settings.timeout,
    retry: {
      ...vendorRetryTiming(settings.retry),
      methods: ['get', 'post', 'delete'],
      statusCodes: RETRIED_STATUSES,
      afterStatusCodes: [],
      retryOnTimeout: false,
    },
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  })

  return {
    async send({ method, path, json, signal, operation }) {
      throwIfAborted(signal)
      let response: Response
      try {
        response = await http(path.replace(/^\/+/, ''), {
          method,
          ...(json === undefined ? {} : { json }),
          ...(signal ? { signal } : {}),
        })
      } catch (error) {
        if (error instanceof HTTPError) return { status: error.response.status, body: await readResponseBody(error.response).catch(() => undefined) }
        throw vendorTransportError(error, signal, { provider: OPENVIDU_PROVIDER, vendor: 'OpenVidu', operation })
      }
      return { status: response.status, body: await readResponseBody(response) }
    },
  }
}
