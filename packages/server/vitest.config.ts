import { defineConfig } from 'vitest/config'
import { callportTestConfig, sourceConditions } from '../../vitest.shared'

// Vitest 4 also hands the SSR conditions to the test processes as `node --conditions`. There,
// `import` and `module` make `require()` of dual CommonJS/ESM packages (Express's router requires
// is-promise) load their ESM build, which breaks them; Node adds `import`/`require` by itself.
export default defineConfig({
  ...callportTestConfig(),
  ssr: { resolve: { conditions: sourceConditions.filter((condition) => condition !== 'import' && condition !== 'module') } },
})
