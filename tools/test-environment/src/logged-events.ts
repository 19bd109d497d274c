// The test's side of a page's event log (page-session.ts): waiting until the page logged an event.
import type { LoggedEvent } from './page-session'

/** Whether `event` has every field of `match` (compared as JSON). */
export function matchesEvent(event: LoggedEvent, match: Partial<LoggedEvent>): boolean {
  return Object.entries(match).every(([key, value]) => JSON.stringify((event as unknown as Record<string, unknown>)[key]) === JSON.stringify(value))
}

/** Waiting on one page's log, read by `read` (a `page.evaluate` of the page's events) every 100 ms. */
export interface LoggedEvents {
  /** The events logged so far. */
  read(): Promise<LoggedEvent[]>
  /** Waits until an event for which `test` holds was logged, and answers it; fails after `timeout` ms naming `what`. */
  waitFor(test: (event: LoggedEvent) => boolean, what: string, timeout?: number): Promise<LoggedEvent>
  /** Waits until an event with the fields of `match` was logged, and answers it. */
  waitForLogged(match: Partial<LoggedEvent>, timeout?: number): Promise<LoggedEvent>
  /** Waits until `count` events with the fields of `match` were logged. */
  waitForCount(match: Partial<LoggedEvent>, count: number, timeout?: number): Promise<void>
}

/** Waits on the log `read` answers (default timeout 15 s). */
export function loggedEvents(read: () => Promise<LoggedEvent[]>): LoggedEvents {
  async function poll<T>(found: (events: LoggedEvent[]) => T | undefined, what: string, timeout: number): Promise<T> {
    const deadline = Date.now() + timeout
    for (;;) {
      const events = await read()
      const result = found(events)
      if (result !== undefined) return result
      if (Date.now() > deadline) throw new Error(`no ${what} in ${JSON.stringify(events)}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return {
    read,
    waitFor: (test, what, timeout = 15_000) => poll((events) => events.find(test), what, timeout),
    waitForLogged: (match, timeout = 15_000) => poll((events) => events.find((event) => matchesEvent(event, match)), JSON.stringify(match), timeout),
    waitForCount: (match, count, timeout = 15_000) =>
      poll((events) => (events.filter((event) => matchesEvent(event, match)).length >= count ? true : undefined), `${count} × ${JSON.stringify(match)}`, timeout).then(
        () => undefined,
      ),
  }
}
