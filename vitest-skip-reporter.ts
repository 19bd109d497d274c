import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node'

declare module 'vitest' {
  interface TaskMeta {
    /**
     * Why the tests of a `describe.skipIf(…)` / `it.skipIf(…)` are skipped when they are: pass it in
     * the options, `describe.skipIf(!tool.available)('…', { meta: { skipReason: '…' } }, () => …)`.
     * A test that skips itself says why with `ctx.skip(condition, reason)` instead; a name ending in
     * `(skipped: <reason>)` is read too.
     */
    skipReason?: string
  }
}

/** One skipped test, as written to `.test-results/skips.json`. */
export interface SkippedTest {
  /** The test file, relative to the package. */
  file: string
  /** Suite names and the test name, joined by " > ". */
  name: string
  reason: string
}

/** What a skip without a reason is reported as: npm test lists these so that someone gives one. */
export const NO_REASON = 'no reason given (add ctx.skip(condition, reason) or { meta: { skipReason } })'

function reasonOf(test: TestCase): string {
  const result = test.result()
  if (result.state === 'skipped' && result.note) return result.note
  if (test.options.mode === 'todo') return 'todo: not written yet'
  // A reason written in the test's name: it.skipIf(condition)(`… (skipped: ${reason})`, …).
  const named = /\(skipped: (.+)\)$/.exec(test.name)?.[1]
  if (named) return named
  let node: TestCase | TestSuite | TestModule = test
  while (node.type !== 'module') {
    const reason = node.meta().skipReason
    if (reason) return reason
    node = node.parent
  }
  return NO_REASON
}

/**
 * Writes every skipped test of the run, with the reason it was skipped, to `<outputFile>` (for
 * scripts/ci-test.mjs, which prints them grouped by reason before npm test's closing line).
 */
export class SkipReasonReporter implements Reporter {
  constructor(private readonly options: { outputFile: string }) {}

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: SkippedTest[] = []
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        if (test.result().state !== 'skipped') continue
        skipped.push({ file: relative(process.cwd(), module.moduleId), name: test.fullName, reason: reasonOf(test) })
      }
    }
    const file = resolve(this.options.outputFile)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, `${JSON.stringify(skipped, null, 2)}\n`)
  }
}
