import { callportTestConfig } from '../vitest.shared'

export default callportTestConfig({ testTimeout: 60_000 })
