import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './ports'
import { findTool } from './tools'

export interface JanusServer {
  /** The Janus API over HTTP: `http://127.0.0.1:<port>/janus`. */
  url: string
  /** The Admin API over HTTP: `http://127.0.0.1:<port>/admin`. */
  adminUrl: string
  /** The Admin API's `admin_secret`. */
  adminSecret: string
  /** Everything Janus logged so far. */
  log(): string
  /** Stops Janus and removes its generated configuration. */
  stop(): Promise<void>
  /**
   * Kills Janus with SIGKILL, as a crash would (no hangups sent, sessions and rooms lost); resolves once
   * it has exited. `stop` still removes its configuration.
   */
  kill(): Promise<void>
}

export interface JanusOptions {
  /** Turns on signed tokens (`token_auth = true` with `token_auth_secret`): every request then needs one. */
  tokenAuthSecret?: string
  /** Default: a random one. */
  adminSecret?: string
  /** The address Janus writes in SDP `c=` lines and gathers ICE candidates on. Default `127.0.0.1`. */
  interface?: string
  /** `ice_enforce_list` (interfaces or addresses Janus may gather on). Default: the interface. */
  iceEnforceList?: string
  /** VideoRoom's `admin_key`: rooms can then only be created with it. Default: none. */
  videoRoomAdminKey?: string
}

/** Where Debian's janus package puts its modules. */
const modulesDirectory = '/usr/lib/x86_64-linux-gnu/janus'

const exitOf = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()))

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/info`, { signal: AbortSignal.timeout(1_000) })
    return response.ok
  } catch {
    return false
  }
}

/**
 * Starts Debian's Janus (1.1.x) with a generated configuration: only the VideoRoom plugin and the
 * HTTP transport (Janus API and Admin API on free ports of 127.0.0.1), RTP on a free range, no event
 * handlers or loggers, no demo rooms. Its own configuration directory is removed on `stop`.
 */
export async function startJanus(options: JanusOptions = {}): Promise<JanusServer> {
  const tool = findTool('janus')
  if (!tool.path) throw new Error(`janus not found — ${tool.hint}`)
  const address = options.interface ?? '127.0.0.1'
  const adminSecret = options.adminSecret ?? `admin-${Math.random().toString(36).slice(2)}`
  const [port, adminPort, rtpPort] = [await freePort(), await freePort(), await freePort()]
  const directory = mkdtempSync(join(tmpdir(), 'callport-janus-'))
  const folders = Object.fromEntries(['configs', 'plugins', 'transports', 'events', 'loggers'].map((name) => [name, join(directory, name)]))
  for (const folder of Object.values(folders)) mkdirSync(folder)
  // Janus loads every module in its folders: each folder links only the module wanted.
  symlinkSync(join(modulesDirectory, 'plugins/libjanus_videoroom.so'), join(folders.plugins!, 'libjanus_videoroom.so'))
  symlinkSync(join(modulesDirectory, 'transports/libjanus_http.so'), join(folders.transports!, 'libjanus_http.so'))
  const tokenAuth = options.tokenAuthSecret === undefined ? '' : `\ttoken_auth = true\n\ttoken_auth_secret = ${JSON.stringify(options.tokenAuthSecret)}\n`
  writeFileSync(
    join(folders.configs!, 'janus.jcfg'),
    `general: {
\tconfigs_folder = ${JSON.stringify(folders.configs)}
\tplugins_folder = ${JSON.stringify(folders.plugins)}
\ttransports_folder = ${JSON.stringify(folders.transports)}
\tevents_folder = ${JSON.stringify(folders.events)}
\tloggers_folder = ${JSON.stringify(folders.loggers)}
\tdebug_level = 4
\tadmin_secret = ${JSON.stringify(adminSecret)}
${tokenAuth}}
media: {
\trtp_port_range = "${rtpPort}-${Math.min(rtpPort + 200, 65_535)}"
}
nat: {
\tnice_debug = false
\tinterface = ${JSON.stringify(address)}
\tice_enforce_list = ${JSON.stringify(options.iceEnforceList ?? address)}
}
`,
  )
  writeFileSync(
    join(folders.configs!, 'janus.transport.http.jcfg'),
    `general: {
\tjson = "plain"
\tbase_path = "/janus"
\thttp = true
\tport = ${port}
\tip = "127.0.0.1"
\thttps = false
}
admin: {
\tadmin_base_path = "/admin"
\tadmin_http = true
\tadmin_port = ${adminPort}
\tadmin_ip = "127.0.0.1"
\tadmin_https = false
}
`,
  )
  const videoRoomGeneral = options.videoRoomAdminKey === undefined ? '' : `\tadmin_key = ${JSON.stringify(options.videoRoomAdminKey)}\n`
  writeFileSync(join(folders.configs!, 'janus.plugin.videoroom.jcfg'), `general: {\n${videoRoomGeneral}}\n`)
  const child = spawn(tool.path, ['--configs-folder', folders.configs!, '--disable-colors'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = `http://127.0.0.1:${port}/janus`
  const deadline = Date.now() + 15_000
  while (!(await answers(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      rmSync(directory, { recursive: true, force: true })
      throw new Error(`janus did not start on port ${port}:\n${output.slice(-3_000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    url,
    adminUrl: `http://127.0.0.1:${adminPort}/admin`,
    adminSecret,
    log: () => output,
    async kill() {
      const exited = exitOf(child)
      child.kill('SIGKILL')
      await exited
    },
    async stop() {
      const exited = exitOf(child)
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
