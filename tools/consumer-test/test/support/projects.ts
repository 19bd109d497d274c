import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** One npm cache for every project of every run, so that `--prefer-offline` installs are quick after the first. */
export const npmCache = join(tmpdir(), 'callport-consumer-test-npm-cache')

/**
 * The environment a user's shell would give npm: ours without the `npm_config_*` / `npm_package_*`
 * variables that pnpm, turbo and npm scripts set for their children (one of them,
 * manage-package-manager-versions, makes npm warn), plus the shared cache.
 */
export function userEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_/i.test(key) || key === 'INIT_CWD' || key === 'NODE_OPTIONS' || key.startsWith('VITEST') || key === 'TEST' || key === 'NODE_ENV') continue
    environment[key] = value
  }
  return { ...environment, npm_config_cache: npmCache, npm_config_update_notifier: 'false', ...extra }
}

export interface CommandResult {
  code: number | null
  /** stdout and stderr, interleaved as they came. */
  output: string
}

/** Runs a command (no shell unless `sh -c` is asked for) and collects its output; never throws on a failed exit. */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? userEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

/** Runs a command and throws with its output when it fails. */
export async function runOk(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string> {
  const result = await run(command, args, options)
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited ${result.code}:\n${result.output}`)
  return result.output
}

/** The flags every install of the consumer test uses. */
export const installFlags = ['--no-audit', '--no-fund', '--prefer-offline']

export interface TempProject {
  directory: string
  write(file: string, content: string): void
  remove(): void
}

/** A fresh folder under the OS temporary directory, far from the monorepo (no workspace, no .npmrc of ours). */
export function tempDirectory(label: string): TempProject {
  const directory = mkdtempSync(join(tmpdir(), `callport-consumer-${label}-`))
  return {
    directory,
    write(file, content) {
      const path = join(directory, file)
      mkdirSync(join(path, '..'), { recursive: true })
      writeFileSync(path, content)
    },
    remove() {
      rmSync(directory, { recursive: true, force: true })
    },
  }
}

/** A temporary project with a package.json of its own (`type: module` unless told otherwise). */
export function tempProject(label: string, manifest: Record<string, unknown> = {}): TempProject {
  const project = tempDirectory(label)
  project.write('package.json', `${JSON.stringify({ name: `consumer-${label}`, version: '1.0.0', private: true, type: 'module', ...manifest }, null, 2)}\n`)
  return project
}

/** `npm install <specs>` into a project with plain npm, as a user would; returns npm's output. */
export function npmInstall(project: TempProject, specs: readonly string[], extraFlags: readonly string[] = []): Promise<CommandResult> {
  return run('npm', ['install', ...installFlags, ...extraFlags, ...specs], { cwd: project.directory, timeoutMs: 240_000 })
}
