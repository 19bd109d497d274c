import ky, { HTTPError, type KyInstance } from 'ky'
import { CallportError, throwIfAborted } from '@callport/core'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import type { ResolvedTwilioSettings } from './settings'
import { basicAuthorization, readResponseBody, vendorRetryTiming, vendorTransportError } from '@callport/server'

/** A Twilio REST answer, whatever its status. */
export interface TwilioResponse {
  status: number
  /** The parsed JSON body, the text when it is not JSON, undefined when empty. */
  body: unknown
  headers: Record<string, string>
}

export interface TwilioRequest {
  method: 'GET' | 'POST'
  /** Path below the base URL, starting with `/v1/`. */
  path: string
  /** Sent form-encoded (POST) or as the query string (GET). Undefined values are left out. */
  parameters?: Record<string, string | number | boolean | undefined>
  signal?: AbortSignal | undefined
  /** What is being done, for error messages: "creating the room standup". */
  operation: string
}

/**
 * Twilio's Video REST API: HTTP Basic auth with the API key, form-encoded parameters, a timeout per
 * attempt, and bounded retries with exponential backoff on 429 and 5xx (every Video request Callport
 * sends is idempotent: rooms are created by UniqueName, and status changes repeat harmlessly).
 * Answers every HTTP status; throws a CallportError only when no answer came (ABORTED, PROVIDER_UNAVAILABLE).
 */
export interface TwilioRestClient {
  send(request: TwilioRequest): Promise<TwilioResponse>
  /** GETs an absolute URL Twilio gave (a list's `next_page_url`), with the same credentials. */
  follow(url: string, options: { signal?: AbortSignal | undefined; operation: string }): Promise<TwilioResponse>
}

const RETRIED_STATUSES = [429, 500, 502, 503, 504]

function formOf(parameters: TwilioRequest['parameters']): URLSearchParams {
  const form = new URLSearchParams()
  for (const [name, value] of Object.entries(parameters ?? {})) if (value !== undefined) form.append(name, String(value))
  return form
}

async function answerOf(response: Response): Promise<TwilioResponse> {
  return { status: response.status, body: await readResponseBody(response).catch(() => undefined), headers: Object.fromEntries(response.headers) }
}

export function createTwilioRestClient(settings: ResolvedTwilioSettings): TwilioRestClient {
  const http: KyInstance = ky.create({
    headers: { authorization: basicAuthorization(settings.apiKeySid, settings.apiKeySecret), accept: 'application/json' },
    timeout: settings.timeout,
    retry: {
      ...vendorRetryTiming(settings.retry, { honourRetryAfter: true }),
      methods: ['get', 'post'],
      statusCodes: RETRIED_STATUSES,
      afterStatusCodes: [429, 503],
      retryOnTimeout: true,
    },
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  })

  async function request(url: string, init: { method: 'GET' | 'POST'; body?: URLSearchParams; signal?: AbortSignal | undefined }, operation: string) {
    throwIfAborted(init.signal)
    try {
      return await answerOf(await http(url, { method: init.method, ...(init.body ? { body: init.body } : {}), ...(init.signal ? { signal: init.signal } : {}) }))
    } catch (error) {
      if (error instanceof HTTPError) return answerOf(error.response)
      throw vendorTransportError(error, init.signal, { provider: TWILIO_PROVIDER, vendor: 'Twilio', operation })
    }
  }

  return {
    send({ method, path, parameters, signal, operation }) {
      const form = formOf(parameters)
      const query = method === 'GET' && [...form.keys()].length > 0 ? `?${form}` : ''
      return request(`${settings.baseUrl}${path}${query}`, { method, ...(method === 'POST' ? { body: form } : {}), signal }, operation)
    },
    async follow(url, { signal, operation }) {
      if (new URL(url).origin !== new URL(settings.baseUrl).origin) {
        throw new CallportError('PROVIDER_REJECTED', `Twilio gave a next page on another origin (${url}) while ${operation}`, { provider: TWILIO_PROVIDER })
      }
      return request(url, { method: 'GET', signal }, operation)
    },
  }
}
