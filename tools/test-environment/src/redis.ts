import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports'
import { findTool } from './tools'

export interface RedisServer {
  url: string
  port: number
  /** Ends the server for good and removes its directory. */
  stop(): Promise<void>
  /** Kills the server with SIGKILL (no shutdown, no save), as a crash would; resolves once it has exited. */
  kill(): Promise<void>
  /**
   * Starts the server again on the same port and directory (after `kill`, or killing it first); resolves
   * once it answers PING. With `persistence: 'none'` it comes back empty; with `'appendonly'` it reloads
   * its append-only file.
   */
  restart(): Promise<void>
  /** Stops the server with SIGSTOP: connections stay open and nothing answers, as a stuck server would. */
  pause(): void
  /** Lets a paused server go on (SIGCONT). */
  resume(): void
}

export interface RedisServerOptions {
  /**
   * `'none'` (default): no RDB snapshots, no append-only file, so a restart loses every key.
   * `'appendonly'`: `appendonly yes` with `appendfsync always`, so a restart keeps every written key.
   */
  persistence?: 'none' | 'appendonly'
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('error', () => resolve(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => {
      socket.destroy()
      resolve(data.toString().startsWith('+PONG'))
    })
  })
}

const exitOf = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()))

/** Starts a throw-away redis-server on a free loopback port (no persistence unless asked), which tests may kill and restart. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const tool = findTool('redis-server')
  if (!tool.path) throw new Error(`redis-server not found — ${tool.hint}`)
  const path = tool.path
  const port = await freePort()
  const directory = mkdtempSync(join(tmpdir(), 'callport-redis-'))
  const persistence = options.persistence === 'appendonly' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']
  const launch = async (): Promise<ChildProcess> => {
    const started = spawn(path, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', directory], { stdio: 'ignore' })
    const deadline = Date.now() + 10_000
    while (!(await ping(port))) {
      if (started.exitCode !== null || Date.now() > deadline) {
        started.kill('SIGKILL')
        throw new Error(`redis-server did not start on port ${port}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return started
  }
  let child = await launch()
  const kill = async (): Promise<void> => {
    const exited = exitOf(child)
    child.kill('SIGKILL')
    child.kill('SIGCONT')
    await exited
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    pause() {
      child.kill('SIGSTOP')
    },
    resume() {
      child.kill('SIGCONT')
    },
    async restart() {
      await kill()
      child = await launch()
    },
    async stop() {
      const exited = exitOf(child)
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        child.kill('SIGCONT')
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
