import { accessSync, constants } from 'node:fs'

export interface ToolAvailability {
  name: string
  path: string | undefined
  /** True when the suite that needs it should run. */
  available: boolean
  /** What to do to enable it, for the skip message. */
  hint: string
  /**
   * Why a suite that needs it is skipped when it is missing (`<name> not found: <hint>`), for
   * `describe.skipIf(!tool.available)('…', { meta: { skipReason: tool.skipReason } }, …)`: npm test lists it.
   */
  skipReason: string
}

const candidates: Record<string, { env: string; paths: string[]; hint: string }> = {
  chromium: {
    env: 'CHROMIUM_PATH',
    paths: ['/usr/bin/chromium', '/usr/bin/chromium-browser'],
    hint: "install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH",
  },
  'redis-server': {
    env: 'REDIS_SERVER_PATH',
    paths: ['/usr/bin/redis-server', '/usr/local/bin/redis-server'],
    hint: "install Debian's redis-server (apt-get install -y redis-server) or set REDIS_SERVER_PATH",
  },
  janus: {
    env: 'JANUS_PATH',
    paths: ['/usr/bin/janus', '/usr/local/bin/janus'],
    hint: "install Debian's janus (apt-get install -y --no-install-recommends janus) or set JANUS_PATH",
  },
  turnserver: {
    env: 'TURNSERVER_PATH',
    paths: ['/usr/bin/turnserver', '/usr/local/bin/turnserver'],
    hint: "install Debian's coturn (apt-get install -y coturn) or set TURNSERVER_PATH",
  },
}

/** The real servers and browser the suites start. */
export type ToolName = 'chromium' | 'redis-server' | 'turnserver' | 'janus'

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Looks for a tool the real-parts suites need (`chromium`, `redis-server`, `turnserver`, `janus`). */
export function findTool(name: ToolName): ToolAvailability {
  const spec = candidates[name]!
  const fromEnv = process.env[spec.env]
  const path = [fromEnv, ...spec.paths].find((candidate): candidate is string => !!candidate && executable(candidate))
  return { name, path, available: path !== undefined, hint: spec.hint, skipReason: `${name} not found: ${spec.hint}` }
}

/**
 * Finds a tool for a suite. When it is missing: with `CI=true` this throws (a missing tool is a
 * failure in CI); otherwise it prints a plain line saying which suite is skipped and how to enable it,
 * and returns `available: false` so the caller can `describe.skipIf(!available)`.
 */
export function requireTool(name: ToolName, suite: string): ToolAvailability {
  const tool = findTool(name)
  if (tool.available) return tool
  const message = `${suite}: skipped, ${name} not found — ${tool.hint}.`
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`${message} CI=true requires it.`)
  }
  console.warn(`\n[callport] ${message}\n`)
  return tool
}
