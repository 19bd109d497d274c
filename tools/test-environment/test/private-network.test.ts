import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../bin/private-network.mjs', import.meta.url))
const report = `const os=require('node:os');console.log(JSON.stringify({interfaces:Object.keys(os.networkInterfaces()),flag:process.env.CALLPORT_PRIVATE_NETWORK??null,why:process.env.CALLPORT_PRIVATE_NETWORK_UNAVAILABLE??null}))`
const namespaces = spawnSync('unshare', ['-rn', 'true'])
const unshareWorks = !namespaces.error && namespaces.status === 0

function runThrough(env: NodeJS.ProcessEnv, ...command: string[]) {
  const result = spawnSync(process.execPath, [bin, ...command], { encoding: 'utf8', env })
  return { status: result.status, stderr: result.stderr, stdout: result.stdout }
}

describe('private-network', () => {
  const env = { ...process.env, CALLPORT_PRIVATE_NETWORK: '', CALLPORT_PRIVATE_NETWORK_UNAVAILABLE: '' }

  it.skipIf(!unshareWorks)(
    'runs the command in a namespace whose only interface is lo, flagged for the media suites',
    { meta: { skipReason: 'unshare -rn is not permitted here' } },
    () => {
      const { status, stdout } = runThrough(env, process.execPath, '-e', report)
      expect(status).toBe(0)
      expect(JSON.parse(stdout)).toEqual({ interfaces: ['lo'], flag: '1', why: '' })
    },
  )

  it('passes the exit status through', () => {
    expect(runThrough(env, process.execPath, '-e', 'process.exit(7)').status).toBe(7)
  })

  it('runs the command as it is, saying why, where unshare cannot run', () => {
    const { status, stdout } = runThrough({ ...env, PATH: '/nonexistent' }, process.execPath, '-e', report)
    expect(status).toBe(0)
    const seen = JSON.parse(stdout) as { flag: string | null; why: string | null }
    expect(seen.flag).toBe('')
    expect(seen.why).toMatch(/^unshare -rn failed: /)
  })

  it('refuses to run without a command', () => {
    const { status, stderr } = runThrough(env)
    expect(status).toBe(2)
    expect(stderr).toMatch(/usage: private-network/)
  })
})
