import { copyFileSync, mkdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { blocksAfter, blockTitled, readRepositoryFile } from './support/markdown'
import { chromium, privateNetwork, runInPrivateNetwork } from './support/network'
import { run, tempDirectory, userEnvironment, type TempProject } from './support/projects'

// docs/guide/getting-started.md, verbatim: its install step (tarballs of a clone, made by the same code
// as `npm run pack:local`, in the clone's default `.packs` folder), its files, its build commands, then
// `node server.js` answering joins and two tabs of its page seeing each other in Chromium.
const guide = readRepositoryFile('docs/guide/getting-started.md')
const [install, ...moreInstalls] = blocksAfter(guide, '<!-- consumer-test: install -->')
const [runIt, ...moreRuns] = blocksAfter(guide, '<!-- consumer-test: run -->')
const network = privateNetwork()
const serverSkip = network.available ? undefined : `${network.reason} (the guide's server listens on 127.0.0.1:3000, so it runs in a private network namespace)`
const browserSkip = serverSkip ?? (chromium.available ? undefined : `chromium not found — ${chromium.hint}`)
const skipped = (reason: string | undefined) => (reason ? ` (skipped: ${reason})` : '')

/** How the guide's own shell lines run: npm from the user's shell, with the test's shared cache. */
const shellEnvironment = () => userEnvironment({ npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' })

describe('the getting-started guide, followed verbatim from a clone', () => {
  let folder: TempProject
  let project: string
  const runLines = (runIt?.code ?? '').trim().split('\n')
  const startLine = runLines.at(-1)

  beforeAll(async () => {
    expect(moreInstalls, 'one install block').toHaveLength(0)
    expect(moreRuns, 'one run block').toHaveLength(0)
    expect(install?.language).toBe('sh')
    expect(runIt?.language).toBe('sh')
    // The clone step the guide gives before the install block: `npm run pack:local` packs into <clone>/.packs.
    expect(guide).toMatch(/git clone https:\/\/github\.com\/callport\/callport\.git\ncd callport && npm run pack:local && cd \.\./)
    folder = tempDirectory('guide')
    const packs = join(folder.directory, 'callport', '.packs')
    mkdirSync(packs, { recursive: true })
    for (const pack of inject('packs')) copyFileSync(pack.file, join(packs, basename(pack.file)))

    const installed = await run('sh', ['-e', '-c', install!.code], { cwd: folder.directory, env: shellEnvironment(), timeoutMs: 240_000 })
    expect(installed.code, installed.output).toBe(0)
    project = join(folder.directory, 'first-call')
    for (const file of ['server.ts', 'page.ts', 'index.html']) folder.write(join('first-call', file), blockTitled(guide, file).code)
  })
  afterAll(() => folder?.remove())

  it('installs the three packages the guide names from the tarballs', async () => {
    const listed = await run('npm', ['ls', '--depth=0', '--json'], { cwd: project, env: shellEnvironment() })
    expect(listed.code, listed.output).toBe(0)
    const { dependencies } = JSON.parse(listed.output) as { dependencies: Record<string, { version: string }> }
    for (const name of ['@callport/server', '@callport/client', '@callport/signaling']) expect(dependencies).toHaveProperty(name)
  })

  it.skipIf(!!serverSkip)(`builds as the guide says, and \`node server.js\` answers joins and connects two tabs of its page${skipped(browserSkip)}`, async () => {
    expect(startLine, 'the run block ends with the command that starts the server').toBe('node server.js')
    const buildStarted = Date.now()
    const build = await run('sh', ['-e', '-c', runLines.slice(0, -1).join('\n')], { cwd: project, env: shellEnvironment(), timeoutMs: 120_000 })
    expect(build.code, build.output).toBe(0)
    console.log(`[consumer-test] the guide's build lines took ${((Date.now() - buildStarted) / 1000).toFixed(1)} s`)
    const environment = shellEnvironment()
    delete environment.CALLPORT_SIGNALING_SECRET // the guide's server falls back to its development secret
    const result = await runInPrivateNetwork({
      server: { cwd: project, command: startLine!.split(' '), env: environment },
      origin: 'http://127.0.0.1:3000',
      joins: [
        { name: 'with an identity', path: '/calls/join?identity=ada', body: { room: 'first-call' } },
        { name: 'without', path: '/calls/join', body: { room: 'first-call' } },
      ],
      ...(browserSkip ? {} : { call: { pagePath: '/', visitors: [{ dialog: 'Ada' }, { dialog: 'Grace' }] } }),
    })
    expect(result.error, result.serverOutput).toBeUndefined()
    expect(result.serverOutput).toContain('Open http://127.0.0.1:3000 in two tabs')
    expect(result.joins[0], result.serverOutput).toMatchObject({
      status: 200,
      body: { room: { name: 'first-call', provider: 'signaling' }, token: { provider: 'signaling', identity: 'ada' } },
    })
    expect(result.joins[1]?.status).toBe(401)
    if (browserSkip) return
    expect(result.call?.failure, JSON.stringify(result.call, null, 2)).toBeUndefined()
    expect(result.call?.pages).toHaveLength(2)
    for (const page of result.call!.pages!) {
      expect(page.videoWidth).toBeGreaterThan(0)
      expect(page.after).toBeGreaterThan(page.before)
    }
  })
})
