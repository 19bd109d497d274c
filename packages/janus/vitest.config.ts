import { callportTestConfig } from '../../vitest.shared'

export default callportTestConfig()
