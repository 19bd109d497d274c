import { CallportError } from '@callport/core'
import { errorFields, type Logger } from './logger'

/** What a `join-failed` line says about the join. */
export interface JoinAttempt {
  /** `POST /join`, `POST /rooms/:room/tokens`, `calls.join`… */
  route: string
  room?: string | undefined
  identity?: string | undefined
  /** `performance.now()` when the join started. */
  started: number
}

/** True for the refusal of the call server's own rate limiter, which logged its own `rate-limited` line. */
function isOwnRateLimit(error: unknown): boolean {
  return CallportError.isInstance(error) && error.code === 'RATE_LIMITED' && typeof error.details === 'object' && error.details !== null && 'limit' in error.details
}

/** Logs one `join-failed` line: warn for a 4xx, error for a 5xx. Never the token, nor the request's headers. */
export function logJoinFailure(logger: Logger, attempt: JoinAttempt, error: unknown): void {
  if (isOwnRateLimit(error)) return
  const status = CallportError.isInstance(error) ? error.status : 500
  const fields: Record<string, unknown> = {
    event: 'join-failed',
    route: attempt.route,
    ...(attempt.room === undefined ? {} : { room: attempt.room }),
    ...(attempt.identity === undefined ? {} : { identity: attempt.identity }),
    ...errorFields(error),
    status,
    latency: Math.round(performance.now() - attempt.started),
  }
  const message = `Join failed: ${String(fields.code)}${'provider' in fields ? ` (${String(fields.provider)})` : ''}`
  if (status >= 500) logger.error(fields, message)
  else logger.warn(fields, message)
}

/** Runs a join that issues a token, logging one `join-failed` line when it fails; `run` may fill in the identity. */
export function loggedJoin<T>(logger: Logger, attempt: JoinAttempt, run: (attempt: JoinAttempt) => Promise<T>): Promise<T> {
  const fail = (error: unknown): never => {
    logJoinFailure(logger, attempt, error)
    throw error
  }
  let pending: Promise<T>
  try {
    pending = run(attempt)
  } catch (error) {
    return Promise.reject(error).catch(fail)
  }
  return pending.catch(fail)
}

/** The start of a programmatic join's attempt: the room as given (bounded, it may be anything), now. */
export function programmaticAttempt(route: string, room: unknown): JoinAttempt {
  return { route, room: typeof room === 'string' ? room.slice(0, 200) : undefined, identity: undefined, started: performance.now() }
}
