import { CallportError, type ConnectionEvents, type SessionEvents } from '@callport/core'
import type { EventEmitter } from 'eventemitter3'

export interface WaitForEventOptions<Arguments extends unknown[]> {
  /** Only an event whose arguments pass this test counts. */
  filter?: (...args: Arguments) => boolean
  /** Rejects after this long (a `setTimeout`, so fake timers control it). Default 2000. */
  timeoutMilliseconds?: number
}

/**
 * Resolves with the arguments of the next `name` event of a connection (or a session). Call it
 * before the action that causes the event. Rejects with a `CallportError` (`INTERNAL`) naming the
 * event when it does not come in time.
 */
export function waitForEvent<Name extends keyof ConnectionEvents>(
  emitter: EventEmitter<ConnectionEvents>,
  name: Name,
  options?: WaitForEventOptions<ConnectionEvents[Name]>,
): Promise<ConnectionEvents[Name]>
/** Resolves with the arguments of the next `name` event of a session. */
export function waitForEvent<Name extends keyof SessionEvents>(
  emitter: EventEmitter<SessionEvents>,
  name: Name,
  options?: WaitForEventOptions<SessionEvents[Name]>,
): Promise<SessionEvents[Name]>
export function waitForEvent(emitter: EventEmitter<any>, name: string, options: WaitForEventOptions<unknown[]> = {}): Promise<unknown[]> {
  const timeoutMilliseconds = options.timeoutMilliseconds ?? 2000
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      if (options.filter && !options.filter(...args)) return
      clearTimeout(timer)
      emitter.off(name, listener)
      resolve(args)
    }
    const timer = setTimeout(() => {
      emitter.off(name, listener)
      reject(new CallportError('INTERNAL', `No "${name}" event within ${timeoutMilliseconds} ms`))
    }, timeoutMilliseconds)
    emitter.on(name, listener)
  })
}
