import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports'
import { findTool } from './tools'

export interface CoturnServer {
  /** The listening port (UDP and TCP) on 127.0.0.1. */
  port: number
  /** The realm coturn answers 401s with. */
  realm: string
  /** `turn:` URIs for 127.0.0.1 over UDP and TCP. */
  urls: string[]
  /** Everything coturn wrote so far (its `--log-file=stdout`). */
  log(): string
  /** Stops the server and removes its directory. */
  stop(): Promise<void>
}

export interface CoturnOptions {
  /** coturn's `static-auth-secret` (the TURN REST API scheme, `use-auth-secret`). */
  secret: string
  /** Default `callport.test`. */
  realm?: string
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('error', () => resolve(false))
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
  })

const exitOf = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()))

/**
 * Starts Debian's coturn (`turnserver`) on free loopback ports with TURN REST API credentials
 * (`use-auth-secret` + `static-auth-secret`), relaying on 127.0.0.1 only (`--allow-loopback-peers`,
 * since every test peer is on loopback), no TLS, no CLI, no database file outside its own directory.
 */
export async function startCoturn(options: CoturnOptions): Promise<CoturnServer> {
  const tool = findTool('turnserver')
  if (!tool.path) throw new Error(`turnserver not found — ${tool.hint}`)
  const realm = options.realm ?? 'callport.test'
  const port = await freePort()
  const relayPort = await freePort()
  const directory = mkdtempSync(join(tmpdir(), 'callport-coturn-'))
  const child = spawn(
    tool.path,
    [
      '-n',
      `--listening-ip=127.0.0.1`,
      `--relay-ip=127.0.0.1`,
      `--listening-port=${port}`,
      // A small relay range around one free port: coturn needs a range, and nothing else should be there.
      `--min-port=${relayPort}`,
      `--max-port=${Math.min(relayPort + 20, 65_535)}`,
      '--use-auth-secret',
      `--static-auth-secret=${options.secret}`,
      `--realm=${realm}`,
      '--fingerprint',
      '--allow-loopback-peers',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--no-multicast-peers',
      `--pidfile=${join(directory, 'turnserver.pid')}`,
      `--userdb=${join(directory, 'turndb')}`,
      '--log-file=stdout',
      '--simple-log',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const deadline = Date.now() + 10_000
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      rmSync(directory, { recursive: true, force: true })
      throw new Error(`turnserver did not start on port ${port}:\n${output.slice(-2_000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    port,
    realm,
    urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
    log: () => output,
    async stop() {
      const exited = exitOf(child)
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
      await exited
      clearTimeout(timer)
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
