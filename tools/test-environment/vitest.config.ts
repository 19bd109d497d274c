import { callportTestConfig } from '../../vitest.shared'

export default callportTestConfig({ include: ['test/**/*.test.ts'], testTimeout: 30_000 })
