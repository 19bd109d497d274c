export { findTool, requireTool, type ToolAvailability } from './tools'
export { startRedisServer, type RedisServer } from './redis'
export { launchChromium, chromiumArguments } from './chromium'
export { freePort } from './ports'
