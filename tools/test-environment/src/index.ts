export { findTool, requireTool, type ToolAvailability } from './tools'
export { startRedisServer, type RedisServer, type RedisServerOptions } from './redis'
export { launchChromium, chromiumArguments } from './chromium'
export { freePort } from './ports'
