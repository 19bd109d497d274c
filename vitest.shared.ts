import { defineConfig } from 'vitest/config'

/**
 * Shared Vitest settings: tests resolve workspace packages to their TypeScript sources
 * through the `@callport/source` export condition, so no build is needed to test.
 */
export const sourceConditions = ['@callport/source', 'import', 'module', 'default']

export function callportTestConfig(overrides: { testTimeout?: number; include?: string[] } = {}) {
  return defineConfig({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions } },
    test: {
      include: overrides.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 15_000,
      typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    },
  })
}
