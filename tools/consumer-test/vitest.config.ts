import { mergeConfig } from 'vitest/config'
import { callportTestConfig } from '../../vitest.shared'

// Each test installs packed tarballs with npm into a fresh project; the work runs in child processes
// (npm, tsc, vite, Chromium), so the three files run side by side.
export default mergeConfig(callportTestConfig({ include: ['test/**/*.test.ts'], testTimeout: 300_000 }), {
  test: { globalSetup: ['./test/global-setup.ts'], hookTimeout: 300_000, fileParallelism: true, maxWorkers: 3 },
})
