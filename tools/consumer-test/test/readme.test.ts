import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { blocksAfter, readRepositoryFile } from './support/markdown'
import { chromium, privateNetwork, runInPrivateNetwork } from './support/network'
import { tarballsFor } from './support/packs'
import { npmInstall, run, tempProject, userEnvironment, type TempProject } from './support/projects'
import { compile, type Resolution } from './support/typescript'

// The root README's two halves, extracted verbatim, in a fresh npm project outside the monorepo that
// installed the packed tarballs: they compile with strict settings, the server answers, and the page,
// built with Vite, plays the other page's video in Chromium.
const readme = readRepositoryFile('README.md')
const [serverHalf, clientHalf, ...extraBlocks] = blocksAfter(readme, '<!-- runnable -->')
const network = privateNetwork()
const serverSkip = network.available ? undefined : `${network.reason} (the README's server listens on port 3000, so it runs in a private network namespace)`
const browserSkip = serverSkip ?? (chromium.available ? undefined : `chromium not found — ${chromium.hint}`)
const skipped = (reason: string | undefined) => (reason ? ` (skipped: ${reason})` : '')
const VITE = 'vite@8.4.0' // the newest Vite; it runs on Node ^20.19

describe('the README, installed from packed tarballs', () => {
  let project: TempProject
  const compiled = new Map<string, Promise<{ code: number | null; output: string }>>()
  const compileOnce = (name: string, file: string, resolution: Resolution, browser: boolean, outDir?: string) => {
    if (!compiled.has(name)) compiled.set(name, compile(project, name, file, resolution, { browser, ...(outDir ? { outDir } : {}) }))
    return compiled.get(name)!
  }

  beforeAll(async () => {
    expect(extraBlocks, 'the README has exactly two runnable blocks: the server half, then the client half').toHaveLength(0)
    project = tempProject('readme')
    // The README's install line, with the packages that are not on the registry yet given as their tarballs.
    const [installLine, ...moreInstalls] = blocksAfter(readme, '<!-- consumer-test: install -->')
    expect(moreInstalls, 'one install line').toHaveLength(0)
    const words = installLine!.code.trim().split(/\s+/)
    expect(words.slice(0, 2)).toEqual(['npm', 'install'])
    const names = words.slice(2)
    const ours = names.filter((name) => name.startsWith('@callport/'))
    const tarballs = tarballsFor(inject('packs'), ours)
    const others = names.filter((name) => !name.startsWith('@callport/'))
    const installed = await npmInstall(project, [...tarballs, ...others, 'typescript@5.9.3', '@types/node@^20.19.0', VITE])
    expect(installed.code, installed.output).toBe(0)
    project.write('server.ts', serverHalf!.code)
    project.write('main.ts', clientHalf!.code)
    project.write('index.html', '<!doctype html>\n<title>Callport</title>\n<script type="module" src="/main.ts"></script>\n')
  })
  afterAll(() => project?.remove())

  describe.each(['node16', 'bundler', 'commonjs'] as const)('with %s resolution', (resolution) => {
    it('the server half compiles under strict + exactOptionalPropertyTypes', async () => {
      const result = await compileOnce(`server-${resolution}`, 'server.ts', resolution, false, resolution === 'bundler' ? undefined : `out/${resolution}`)
      expect(result.code, result.output).toBe(0)
    })
    // The client half is a page: bundlers and node16 resolve it; module: commonjs is a back-end setting only.
    if (resolution !== 'commonjs') {
      it('the client half compiles under strict + exactOptionalPropertyTypes (DOM, no Node types)', async () => {
        const result = await compileOnce(`client-${resolution}`, 'main.ts', resolution, true)
        expect(result.code, result.output).toBe(0)
      })
    }
  })

  const secret = randomBytes(32).toString('base64')
  const serverEnvironment = () => userEnvironment({ CALLPORT_SIGNALING_SECRET: secret })
  const joins = [
    { name: 'with the stub login cookie', path: '/calls/join', headers: { cookie: 'demo-user=ada' }, body: { room: 'standup' } },
    { name: 'without it', path: '/calls/join', body: { room: 'standup' } },
  ]
  const expectJoins = (result: Awaited<ReturnType<typeof runInPrivateNetwork>>) => {
    expect(result.error, result.serverOutput).toBeUndefined()
    const [signedIn, anonymous] = result.joins
    expect(signedIn, result.serverOutput).toMatchObject({
      status: 200,
      body: { room: { name: 'standup', provider: 'signaling' }, token: { provider: 'signaling', identity: 'ada' } },
    })
    expect(anonymous?.status).toBe(401)
  }

  it.skipIf(!!serverSkip)(`the server half, compiled as CommonJS (module: commonjs) and run, answers POST /join with a token${skipped(serverSkip)}`, async () => {
    expect((await compileOnce('server-commonjs', 'server.ts', 'commonjs', false, 'out/commonjs')).code).toBe(0)
    project.write('out/commonjs/package.json', '{ "type": "commonjs" }\n')
    const result = await runInPrivateNetwork({
      server: { cwd: project.directory, command: [process.execPath, 'out/commonjs/server.js'], env: serverEnvironment() },
      origin: 'http://localhost:3000',
      joins,
    })
    expectJoins(result)
  })

  it.skipIf(!!serverSkip)(
    `the server half as written answers POST /join with a token, and two pages of the client half built with Vite play each other's video in Chromium${skipped(browserSkip)}`,
    async () => {
      const [server, built] = await Promise.all([
        compileOnce('server-node16', 'server.ts', 'node16', false, 'out/node16'),
        run('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: project.directory, env: userEnvironment(), timeoutMs: 120_000 }),
      ])
      expect(server.code, server.output).toBe(0)
      expect(built.code, built.output).toBe(0)
      const result = await runInPrivateNetwork({
        server: { cwd: project.directory, command: [process.execPath, 'out/node16/server.js'], env: serverEnvironment() },
        origin: 'http://localhost:3000',
        joins,
        ...(browserSkip
          ? {}
          : {
              call: {
                pagePath: '/',
                staticDirectory: join(project.directory, 'dist'),
                visitors: [{ cookie: { name: 'demo-user', value: 'ada' } }, { cookie: { name: 'demo-user', value: 'grace' } }],
              },
            }),
      })
      expectJoins(result)
      if (browserSkip) return
      expect(result.call?.failure, JSON.stringify(result.call, null, 2)).toBeUndefined()
      expect(result.call?.pages).toHaveLength(2)
      for (const page of result.call!.pages!) {
        expect(page.videoWidth).toBeGreaterThan(0)
        expect(page.after).toBeGreaterThan(page.before)
      }
    },
  )
})
