import ky, { HTTPError, type KyInstance } from 'ky'
import type * as z from 'zod/mini'
import { CallportError } from '@callport/core'
import { errorFromKaleyraResponse } from '../shared/kaleyra-errors'
import { KALEYRA_PROVIDER } from '../shared/provider-id'
import type { ResolvedKaleyraSettings } from './settings'
import { readResponseBody, vendorRetryTiming, vendorTransportError } from '@callport/server'

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
            ...vendorRetryTiming(settings.retry, { honourRetryAfter: true }),
            methods: ['post'],
            statusCodes: idempotent ? transientStatuses : unprocessedStatuses,
            afterStatusCodes: unprocessedStatuses,
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
  return vendorTransportError(error, signal, { provider: KALEYRA_PROVIDER, vendor: 'Kaleyra' })
}
