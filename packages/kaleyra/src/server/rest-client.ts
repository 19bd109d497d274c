import ky, { HTTPError, type KyInstance } from 'ky'
import type * as z from 'zod/mini'
import { CallportError, isAbortError } from '@callport/core'
import { errorFromKaleyraResponse } from '../shared/kaleyra-errors'
import { KALEYRA_PROVIDER } from '../shared/provider-id'
import type { ResolvedKaleyraSettings } from './settings'
import { readResponseBody } from '@callport/server'

export interface KaleyraRequest<T> {
  /** Path below the base URL, starting with `/`. */
  path: string
  body: unknown
  /** Validates the success body. */
  schema: z.ZodMiniType<T>
  /**
   * Whether sending the request twice is harmless. Non-idempotent requests are retried only on 429
   * and 503 (the vendor did not act on them); idempotent ones on every 5xx as well.
   */
  idempotent: boolean
  signal?: AbortSignal
}

/** POSTs JSON to the Kaleyra REST API with the `apikey` header, timeouts and bounded retries. */
export interface KaleyraRestClient {
  post<T>(request: KaleyraRequest<T>): Promise<T>
}

const transientStatuses = [429, 500, 502, 503, 504]
const unprocessedStatuses = [429, 503]

export function createKaleyraRestClient(settings: ResolvedKaleyraSettings): KaleyraRestClient {
  const http: KyInstance = ky.create({
    prefixUrl: settings.baseUrl,
    headers: { apikey: settings.apiKey, accept: 'application/json' },
    timeout: settings.timeout,
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  })

  return {
    async post<T>({ path, body, schema, idempotent, signal }: KaleyraRequest<T>): Promise<T> {
      let response: Response
      try {
        response = await http.post(path.replace(/^\/+/, ''), {
          json: body,
          ...(signal ? { signal } : {}),
          retry: {
            limit: settings.retry.limit,
            methods: ['post'],
            statusCodes: idempotent ? transientStatuses : unprocessedStatuses,
            afterStatusCodes: unprocessedStatuses,
            maxRetryAfter: settings.retry.maximumDelay,
            backoffLimit: settings.retry.maximumDelay,
            delay: (attempt) => settings.retry.initialDelay * 2 ** (attempt - 1),
            retryOnTimeout: idempotent,
          },
        })
      } catch (error) {
        throw await toRestError(error, signal)
      }
      const payload = await readResponseBody(response)
      const parsed = schema.safeParse(payload)
      if (!parsed.success) {
        throw new CallportError('PROVIDER_REJECTED', `Kaleyra answered ${path} with an unexpected body`, {
          provider: KALEYRA_PROVIDER,
          vendor: { status: response.status, body: payload },
          details: parsed.error.issues,
        })
      }
      return parsed.data
    },
  }
}

async function toRestError(error: unknown, signal: AbortSignal | undefined): Promise<CallportError> {
  if (error instanceof HTTPError) {
    const body = await readResponseBody(error.response).catch(() => undefined)
    return errorFromKaleyraResponse(error.response.status, body, Object.fromEntries(error.response.headers))
  }
  if (signal?.aborted) {
    return new CallportError('ABORTED', 'The Kaleyra request was aborted', { provider: KALEYRA_PROVIDER, cause: signal.reason })
  }
  const timedOut = isAbortError(error)
  return new CallportError(
    'PROVIDER_UNAVAILABLE',
    timedOut ? 'Kaleyra did not answer in time' : `Kaleyra could not be reached: ${error instanceof Error ? error.message : String(error)}`,
    { provider: KALEYRA_PROVIDER, retryable: true, cause: error },
  )
}
