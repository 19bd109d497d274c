import { defineConfig } from 'vitest/config'
import { SkipReasonReporter } from './vitest-skip-reporter'

/**
 * Shared Vitest settings: tests resolve workspace packages to their TypeScript sources
 * through the `@callport/source` export condition, so no build is needed to test.
 */
export const sourceConditions = ['@callport/source', 'import', 'module', 'default']

/**
 * Conditions for test code running in Node. Vitest also hands these to the test processes as
 * `node --conditions`; `import` and `module` there would make `require()` of dual CommonJS/ESM
 * packages (Express's router, engine.io's ws) load their ESM build, so they are left to Node.
 */
export const nodeConditions = ['@callport/source', 'node']

export function callportTestConfig(overrides: { testTimeout?: number; include?: string[]; setupFiles?: string[] } = {}) {
  return defineConfig({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: nodeConditions } },
    test: {
      include: overrides.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // The JSON report is what scripts/ci-test.mjs adds up into npm test's closing line; skips.json
      // lists every skipped test with its reason, which it prints grouped by reason before that line.
      reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }], new SkipReasonReporter({ outputFile: '.test-results/skips.json' })],
      testTimeout: overrides.testTimeout ?? 15_000,
      ...(overrides.setupFiles && { setupFiles: overrides.setupFiles }),
      // Hooks start the real parts (Chromium, redis-server, servers, esbuild bundles) on a 2-core machine shared by two
      // turbo tasks: seconds each; vitest's 10 s default failed a CI run.
      hookTimeout: 30_000,
      typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    },
  })
}
