import { CallportError, type ErrorCode } from '@callport/core'
import { afterEach, assert, beforeEach, expect } from 'vitest'

/** Per-test hooks of a conformance suite, for adapters whose vendor is faked. */
export interface SuiteLifecycle<Context> {
  /** Runs before each test (for example: start a fake vendor); what it returns is handed to the other options. */
  setup?: () => Context | Promise<Context>
  /** Runs after each test, failed or not, once the suite has closed what the test opened. */
  teardown?: (context: Context) => void | Promise<void>
}

export interface SuiteContext<Context> {
  /** What `setup` returned for the running test. */
  current(): Context
  /** Registers a clean-up for the running test; clean-ups run in reverse order before `teardown`. */
  defer(cleanup: () => unknown): void
}

/** Registers the lifecycle hooks in the enclosing `describe`. */
export function useSuiteContext<Context>(lifecycle: SuiteLifecycle<Context>): SuiteContext<Context> {
  let context: { value: Context } | undefined
  let cleanups: Array<() => unknown> = []
  beforeEach(async () => {
    context = { value: (await lifecycle.setup?.()) as Context }
  })
  afterEach(async () => {
    const pending = cleanups.reverse()
    cleanups = []
    for (const cleanup of pending)
      await Promise.resolve()
        .then(cleanup)
        .catch(() => undefined)
    if (context) await lifecycle.teardown?.(context.value)
    context = undefined
  })
  return {
    current() {
      if (!context) throw new Error('The suite context exists only while a test runs')
      return context.value
    },
    defer(cleanup) {
      cleanups.push(cleanup)
    },
  }
}

let roomCounter = 0

/** A room name no other test of this process uses: a lowercase prefix, then `label`. */
export function uniqueRoomName(label: string): string {
  roomCounter += 1
  return `conformance${Date.now().toString(36)}${roomCounter}-${label}`
}

/** Asserts that `operation` rejects with a CallportError of one of `codes`, and returns it. */
export async function expectCallportError(operation: Promise<unknown>, codes: readonly ErrorCode[]): Promise<CallportError> {
  const outcome = await operation.then(
    (value) => ({ rejected: false as const, value }),
    (error: unknown) => ({ rejected: true as const, error }),
  )
  if (!outcome.rejected) assert.fail(`expected a CallportError (${codes.join(' or ')}), but it resolved`)
  if (!CallportError.isInstance(outcome.error)) assert.fail(`expected a CallportError (${codes.join(' or ')}), got ${String(outcome.error)}`)
  expect(codes, `error code of: ${outcome.error.message}`).toContain(outcome.error.code)
  return outcome.error
}
