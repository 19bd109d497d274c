import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'

// `npm run ci:demo` is `npm run demo` without its `pnpm install`: the same launcher (scripts/demo.mjs,
// which builds no package) under the same npm. The cold run from a fresh clone, install included, is
// timed by scripts/measure-cold-demo.mjs (a measurement, not a test: its figure depends on the machine).
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url))
const noise = /\bnpm (warn|error|ERR!)\b|\bWARN\b|ELIFECYCLE|approve-builds|Ignored build scripts|deprecated|\bat .+:\d+:\d+\)?$/im

interface Run {
  child: ChildProcess
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const running: Run[] = []
afterEach(() => {
  // A failed test leaves no demo behind: the whole process group goes.
  for (const run of running.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) process.kill(-run.child.pid!, 'SIGKILL')
  }
})

/** The environment of a terminal: without the npm_* / pnpm_* variables of the npm or pnpm running this test. */
function terminalEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^p?npm_/i.test(name)))
}

function npmRunDemo(): Run {
  // Its own process group, like a terminal's foreground job: Ctrl-C signals npm, sh and node at once.
  const child = spawn('npm', ['run', 'ci:demo'], {
    cwd: repositoryRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...terminalEnvironment(), PORT: '0', HOST: '127.0.0.1', CALLPORT_PROVIDER: 'signaling', CALLPORT_SIGNALING_SECRET: 'npm-run-demo-test-secret-0123456789-abcdefgh' },
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  const run = { child, output: () => output, exited }
  running.push(run)
  return run
}

describe('npm run demo', () => {
  it('prints its URL, serves the page, and stops quietly on Ctrl-C', { timeout: 120_000 }, async () => {
    const run = npmRunDemo()
    const url = await vi.waitFor(
      () => {
        const match = /Callport demo \(signaling\) on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())
        if (!match) throw new Error(`no URL yet; output so far:\n${run.output()}`)
        return match[1]!
      },
      { timeout: 100_000, interval: 100 },
    )
    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<script type="module" src="/app.js">')

    process.kill(-run.child.pid!, 'SIGINT')
    const { code, signal } = await run.exited
    // npm ends by the signal it was sent (a shell shows 130) once the demo has closed with status 0.
    expect(code === 0 || code === 130 || signal === 'SIGINT', `exit code ${code}, signal ${signal}`).toBe(true)
    const output = run.output()
    expect(output.match(noise), output).toBeNull()
    // After the URL line, nothing: no lifecycle error, no stack, no "Terminate batch job".
    expect(output.slice(output.indexOf(url) + url.length).trim()).toBe('— open it in two tabs and join the same room.')
  })
})
