import { callportTestConfig } from '../../vitest.shared'

export default callportTestConfig({ setupFiles: ['test/websocket-global.ts'] })
