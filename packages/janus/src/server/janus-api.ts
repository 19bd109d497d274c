import { CallportError, type ErrorCode } from '@callport/core'
import { createVendorRestClient, type VendorRestClient } from '@callport/provider-utils/server'
import { JANUS_PROVIDER } from '../shared/provider-id'
import { VERSION } from '../shared/version'
import type { ResolvedJanusSettings } from './settings'
import { coreToken } from './signed-tokens'

/** How long the core token of one server-side operation lives, in seconds. */
const OPERATION_TOKEN_SECONDS = 60
const VIDEOROOM = 'janus.plugin.videoroom'

/** A Janus API answer (`success`, `ack`, `error`, …). */
interface JanusAnswer {
  janus?: unknown
  data?: { id?: unknown }
  error?: { code?: unknown; reason?: unknown }
  plugindata?: { plugin?: unknown; data?: unknown }
}

/** What a Janus or VideoRoom error code means to Callport, and whether trying again may help. */
interface JanusErrorMeaning {
  code: ErrorCode
  retryable: boolean
}

/** Janus core error codes (src/apierror.h). */
const coreMeanings: Record<number, JanusErrorMeaning> = {
  403: { code: 'PROVIDER_REJECTED', retryable: false }, // unauthorized: the token secret differs from token_auth_secret, or the token expired
  405: { code: 'PROVIDER_REJECTED', retryable: false }, // the token does not name the plugin
  458: { code: 'PROVIDER_UNAVAILABLE', retryable: true }, // session gone (Janus restarted, or timed out)
  459: { code: 'PROVIDER_UNAVAILABLE', retryable: true }, // handle gone
  460: { code: 'PROVIDER_REJECTED', retryable: false }, // VideoRoom plugin not loaded
  461: { code: 'PROVIDER_UNAVAILABLE', retryable: true }, // could not attach
  472: { code: 'PROVIDER_UNAVAILABLE', retryable: true }, // not accepting new sessions (draining)
}

/** VideoRoom error codes (janus_videoroom.c, JANUS_VIDEOROOM_ERROR_*). */
const videoRoomMeanings: Record<number, JanusErrorMeaning> = {
  426: { code: 'ROOM_NOT_FOUND', retryable: false }, // no such room
  427: { code: 'CONFLICT', retryable: false }, // room already exists
  428: { code: 'PARTICIPANT_NOT_FOUND', retryable: false }, // no such feed
  432: { code: 'ROOM_FULL', retryable: false }, // publishers full
  433: { code: 'PROVIDER_REJECTED', retryable: false }, // unauthorized (wrong secret, admin_key or token)
  436: { code: 'CONFLICT', retryable: false }, // id exists
}

/** A VideoRoom or Janus error as a CallportError that keeps Janus's code and words. */
export function janusError(kind: 'janus' | 'videoroom', janusCode: number, reason: string, operation: string, body: unknown): CallportError {
  const meaning = (kind === 'janus' ? coreMeanings : videoRoomMeanings)[janusCode] ?? { code: 'PROVIDER_REJECTED' as const, retryable: false }
  const source = kind === 'janus' ? 'Janus' : 'Janus VideoRoom'
  return new CallportError(meaning.code, `${source} refused ${operation} (error ${janusCode}): ${reason.slice(0, 300)}`, {
    provider: JANUS_PROVIDER,
    retryable: meaning.retryable,
    vendor: { status: 200, body },
    details: { janusCode, reason, ...(kind === 'videoroom' ? { plugin: VIDEOROOM } : {}) },
  })
}

/** Sends one VideoRoom synchronous request on the handle, answering its `plugindata.data`. */
export type VideoRoomRequest = (body: Record<string, unknown>, options?: { idempotent?: boolean }) => Promise<Record<string, unknown>>

/** Sends one VideoRoom asynchronous request (`join`…) with the token it needs, and waits for the handle's event that `settles` it. */
export type VideoRoomAsyncRequest = (body: Record<string, unknown>, settles: (event: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>

/** The Janus API (HTTP transport) as the server half uses it: one session and one VideoRoom handle per operation. */
export interface JanusApi {
  /**
   * Opens a session, attaches the VideoRoom plugin, runs `work` with its synchronous requests and
   * destroys the session (also when `work` throws).
   */
  withVideoRoom<T>(operation: string, signal: AbortSignal | undefined, work: (request: VideoRoomRequest, asynchronous: VideoRoomAsyncRequest) => Promise<T>): Promise<T>
}

function transaction(): string {
  return crypto.randomUUID()
}

export function createJanusApi(settings: ResolvedJanusSettings): JanusApi {
  const client: VendorRestClient = createVendorRestClient({
    provider: JANUS_PROVIDER,
    vendor: 'Janus',
    providerVersion: VERSION,
    baseUrl: settings.url,
    headers: { accept: 'application/json' },
    settings: settings.rest,
  })

  /** One Janus API request; a `janus: 'error'` answer (HTTP 200) becomes a CallportError. */
  async function call(path: string, body: Record<string, unknown>, operation: string, signal: AbortSignal | undefined, idempotent: boolean): Promise<JanusAnswer> {
    const answer = await client.request<JanusAnswer>({ method: 'POST', path, body: { json: { ...body, transaction: transaction() } }, operation, signal, idempotent })
    if (typeof answer !== 'object' || answer === null) {
      throw new CallportError('PROVIDER_REJECTED', `Janus answered with an unexpected body while ${operation}`, {
        provider: JANUS_PROVIDER,
        vendor: { status: 200, body: answer },
      })
    }
    if (answer.janus === 'error') {
      const code = typeof answer.error?.code === 'number' ? answer.error.code : 0
      throw janusError('janus', code, typeof answer.error?.reason === 'string' ? answer.error.reason : 'unknown error', operation, answer)
    }
    return answer
  }

  function idOf(answer: JanusAnswer, operation: string): number {
    const id = answer.data?.id
    if (answer.janus !== 'success' || typeof id !== 'number') {
      throw new CallportError('PROVIDER_REJECTED', `Janus answered without an id while ${operation}`, { provider: JANUS_PROVIDER, vendor: { status: 200, body: answer } })
    }
    return id
  }

  return {
    async withVideoRoom(operation, signal, work) {
      const token = await coreToken(settings.tokenSecret, Math.floor(Date.now() / 1000) + OPERATION_TOKEN_SECONDS)
      const session = idOf(await call('', { janus: 'create', token }, operation, signal, false), operation)
      try {
        const handle = idOf(await call(`/${session}`, { janus: 'attach', plugin: VIDEOROOM, token }, operation, signal, false), operation)
        /** The handle's events read so far (long polls on the session), not yet handed out. */
        const pending: Record<string, unknown>[] = []
        const asynchronous: VideoRoomAsyncRequest = async (body, settles) => {
          await call(`/${session}/${handle}`, { janus: 'message', body, token }, operation, signal, false)
          const deadline = Date.now() + settings.rest.timeout
          for (;;) {
            const index = pending.findIndex((event) => settles(event) || typeof event.error_code === 'number')
            if (index >= 0) {
              const [event] = pending.splice(index, 1)
              if (typeof event!.error_code === 'number') {
                throw janusError('videoroom', event!.error_code, typeof event!.error === 'string' ? event!.error : 'unknown error', operation, event)
              }
              return event!
            }
            if (Date.now() > deadline) {
              throw new CallportError('PROVIDER_UNAVAILABLE', `Janus VideoRoom did not answer within ${settings.rest.timeout} ms while ${operation}`, {
                provider: JANUS_PROVIDER,
                retryable: true,
              })
            }
            const polled = await client.request<JanusAnswer | JanusAnswer[]>({ method: 'GET', path: `/${session}`, query: { maxev: 10, token }, operation, signal })
            for (const message of Array.isArray(polled) ? polled : [polled]) {
              const data = message.plugindata?.data
              if (typeof data === 'object' && data !== null) pending.push(data as Record<string, unknown>)
            }
          }
        }
        return await work(async (body, options) => {
          const answer = await call(`/${session}/${handle}`, { janus: 'message', body, token }, operation, signal, options?.idempotent ?? false)
          const data = answer.plugindata?.data
          if (answer.janus !== 'success' || typeof data !== 'object' || data === null) {
            throw new CallportError('PROVIDER_REJECTED', `Janus VideoRoom answered with an unexpected body while ${operation}`, {
              provider: JANUS_PROVIDER,
              vendor: { status: 200, body: answer },
            })
          }
          const fields = data as Record<string, unknown>
          if (fields.videoroom === 'event' && typeof fields.error_code === 'number') {
            throw janusError('videoroom', fields.error_code, typeof fields.error === 'string' ? fields.error : 'unknown error', operation, answer)
          }
          return fields
        }, asynchronous)
      } finally {
        // Not under `signal`: the session goes even when the operation was aborted (Janus would time it out after 60 s otherwise).
        await call(`/${session}`, { janus: 'destroy', token }, `closing the Janus session of ${operation}`, undefined, true).catch(() => undefined)
      }
    },
  }
}
