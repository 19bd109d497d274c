import { type CallportError, toCallportError, type ServerAdapter } from '@callport/core'
import { errorFields, type Logger } from './logger'

/** Errors that came out of an adapter: their messages are the vendor's business, not the browser's. */
const vendorFailures = new WeakSet<object>()

/**
 * True for an error an adapter threw (a vendor failure), or any CallportError carrying a vendor
 * response: the HTTP API answers these with a fixed sentence instead of their message.
 */
export function isVendorFailure(error: CallportError): boolean {
  return error.vendor !== undefined || vendorFailures.has(error)
}

/** What a vendor fault's log line is about. */
export interface AdapterCallContext {
  /** The adapter method, such as `ensureRoom`. */
  operation: string
  /** The app's room name, when the call is about one. */
  room?: string | undefined
  logger?: Logger | undefined
}

/** Codes an adapter reports in the normal course of things: logged as info, not as a fault. */
const expected = new Set(['ROOM_NOT_FOUND', 'PARTICIPANT_NOT_FOUND', 'NOT_FOUND', 'ABORTED'])

/**
 * Runs an adapter operation; whatever it throws comes out as a CallportError naming the provider,
 * marked as a vendor failure, and logged (one line, with the operation's latency in milliseconds).
 * No async frame of its own: it runs on every join.
 */
export function callAdapter<T>(adapter: ServerAdapter, operation: () => Promise<T>, context?: AdapterCallContext): Promise<T> {
  const started = performance.now()
  const fail = (error: unknown): never => {
    const failure = toCallportError(error, { provider: adapter.provider })
    vendorFailures.add(failure)
    const logger = context?.logger
    if (logger) {
      const fields = {
        event: 'vendor-fault',
        operation: context.operation,
        ...(context.room === undefined ? {} : { room: context.room }),
        ...errorFields(failure),
        provider: adapter.provider,
        latency: Math.round(performance.now() - started),
      }
      if (expected.has(failure.code)) logger.info(fields, `${adapter.provider} ${context.operation}: ${failure.code}`)
      else logger.warn(fields, `${adapter.provider} ${context.operation} failed: ${failure.code}`)
    }
    throw failure
  }
  let pending: Promise<T>
  try {
    pending = Promise.resolve(operation())
  } catch (error) {
    return Promise.reject(error).catch(fail)
  }
  return pending.catch(fail)
}
