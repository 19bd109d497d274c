import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { SECRET } from './harness'

const here = dirname(fileURLToPath(import.meta.url))
/** Under the package's node_modules, so the bundles resolve socket.io, redis… like the sources do. */
const outputDirectory = join(here, '..', '..', 'node_modules', '.cache', 'callport-signaling-test')

/**
 * Bundles workspace sources (through the `@callport/source` condition) and leaves npm packages
 * external, each as the absolute path it resolves to from the file importing it: a workspace
 * package's own dependencies (eventemitter3 of @callport/core, say) need not be this package's.
 */
const externalNpmPackages: Plugin = {
  name: 'external-npm-packages',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@callport/') || args.pluginData === 'resolving') return undefined
      const resolved = await builder.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolving' })
      if (resolved.errors.length > 0 || resolved.path === '') return { path: args.path, external: true }
      return { path: resolved.path, external: true }
    })
  },
}

/** Compiles the child-process script (Node 20 cannot run TypeScript itself). Returns its path. */
export function bundleSignalingProcess(): Promise<string> {
  return bundleFixture('signaling-process')
}

/** Compiles `fixtures/<name>.ts` into one ES module for a child process. Returns its path. */
export async function bundleFixture(name: string): Promise<string> {
  const outputFile = join(outputDirectory, `${name}.mjs`)
  mkdirSync(outputDirectory, { recursive: true })
  await build({
    entryPoints: [join(here, 'fixtures', `${name}.ts`)],
    outfile: outputFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@callport/source'],
    plugins: [externalNpmPackages],
    logLevel: 'error',
  })
  return outputFile
}

export interface SignalingProcess {
  url: string
  child: ChildProcess
  /** SIGSTOP, later SIGCONT: the process stalls as if its event loop were blocked. */
  pause(): void
  resume(): void
  /** SIGKILL: the process dies without closing anything. */
  kill(): Promise<void>
  /** SIGTERM: the process closes gracefully. */
  stop(): Promise<void>
}

export interface ScaleOutTimings {
  /** Milliseconds (`redis.nodeTimeout`). */
  nodeTimeout?: number
  /** Milliseconds (`redis.sweepInterval`). */
  sweepInterval?: number
}

/** Starts a signaling server in a child process and waits until it listens. */
export function startSignalingProcess(script: string, redisUrl: string, keyPrefix: string, timings: ScaleOutTimings = {}): Promise<SignalingProcess> {
  return startProcess(script, {
    SIGNALING_REDIS_URL: redisUrl,
    SIGNALING_KEY_PREFIX: keyPrefix,
    ...(timings.nodeTimeout === undefined ? {} : { SIGNALING_NODE_TIMEOUT: String(timings.nodeTimeout) }),
    ...(timings.sweepInterval === undefined ? {} : { SIGNALING_SWEEP_INTERVAL: String(timings.sweepInterval) }),
  })
}

/** Starts a bundled fixture that prints `READY <url>` (with SIGNALING_SECRET and `environment`) and waits for it. */
export function startProcess(script: string, environment: Record<string, string>): Promise<SignalingProcess> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, SIGNALING_SECRET: SECRET, ...environment },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name)
    await exited
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('the signaling process did not start within 45 s'))
    }, 45_000)
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const ready = /READY (\S+)/.exec(output)
      if (!ready) return
      clearTimeout(timer)
      resolve({
        url: ready[1]!,
        child,
        pause: () => child.kill('SIGSTOP'),
        resume: () => child.kill('SIGCONT'),
        kill: () => signal('SIGKILL'),
        stop: () => signal('SIGTERM'),
      })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the signaling process exited with ${code} before listening`))
    })
  })
}
