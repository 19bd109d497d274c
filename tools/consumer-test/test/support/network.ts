import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromiumArguments, requireTool } from '@callport/test-environment'
import { supportDirectory } from './paths'
import { run } from './projects'

export interface NamespaceAvailability {
  available: boolean
  /** Why not, for the skip message. */
  reason: string
}

/**
 * Whether this machine gives an unprivileged user a private network namespace (`unshare -rn`) with a
 * loopback interface (`ip link set lo up`). The servers of the consumer test listen on port 3000, as
 * the README and the guide write, and the calls' media stay on that private loopback.
 */
export function privateNetwork(): NamespaceAvailability {
  const probe = spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' })
  if (probe.error) return { available: false, reason: `unshare not runnable (${probe.error.message}); install util-linux` }
  if (probe.status !== 0)
    return {
      available: false,
      reason: `\`unshare -rn sh -c 'ip link set lo up'\` failed (${(probe.stderr || '').trim() || `exit ${probe.status}`}): unprivileged user namespaces are off here`,
    }
  return { available: true, reason: '' }
}

/** Chromium for the calls; missing, those tests skip saying so (with CI=true, a failure). */
export const chromium = requireTool('chromium', 'consumer test browser calls')

/** What the driver reports. */
export interface DriverResult {
  joins: { name: string; status: number; body: unknown }[]
  call?: {
    pages?: { before: number; after: number; videoWidth: number; videoHeight: number }[]
    failure?: string
    pageErrors: string[]
    bodies?: string[]
  }
  error?: string
  serverOutput: string
  /** Milliseconds from the driver's start to the end of each phase. */
  timings: Record<string, number>
}

export interface DriverConfig {
  server: { cwd: string; command: string[]; env: NodeJS.ProcessEnv }
  origin: string
  joins: { name: string; path: string; headers?: Record<string, string>; body?: unknown }[]
  call?: { pagePath: string; staticDirectory?: string; visitors: { cookie?: { name: string; value: string }; dialog?: string }[] }
}

/** Starts the project's server inside a private network namespace, probes it, and (with `call`) plays a two-page call in Chromium. */
export async function runInPrivateNetwork(config: DriverConfig): Promise<DriverResult> {
  const folder = mkdtempSync(join(tmpdir(), 'callport-consumer-driver-'))
  try {
    const configFile = join(folder, 'config.json')
    const resultFile = join(folder, 'result.json')
    const call = config.call && {
      ...config.call,
      executablePath: chromium.path,
      // The built page is fulfilled by page.route (the README's server serves no files), and a routed
      // document has no IP address space: Chromium's Local Network Access checks then take the
      // server's WebSocket on loopback for a public page reaching into the local network and block it
      // (a page the server itself serves is on loopback and is not blocked). Off for this harness only.
      args: [
        ...new Set([...chromiumArguments, '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required', '--disable-features=LocalNetworkAccessChecks']),
      ],
    }
    writeFileSync(configFile, JSON.stringify({ ...config, call }))
    const driver = join(supportDirectory, 'call-driver.mjs')
    const outcome = await run('unshare', ['-rn', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, driver, configFile, resultFile], {
      cwd: folder,
      env: process.env,
      timeoutMs: 120_000,
    })
    let result: DriverResult
    try {
      result = JSON.parse(readFileSync(resultFile, 'utf8')) as DriverResult
    } catch {
      throw new Error(`the call driver wrote no result (exit ${outcome.code}):\n${outcome.output}`)
    }
    console.log(`[consumer-test] ${config.server.command.join(' ')} in ${config.server.cwd}: ${JSON.stringify(result.timings)}`)
    return result
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
