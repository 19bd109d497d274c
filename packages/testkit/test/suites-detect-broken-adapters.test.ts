import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

/**
 * Runs the conformance suites against adapters broken on purpose (fixtures/broken-adapters.fixture.ts)
 * in a child vitest, and checks that each breakage is caught by the test meant to catch it.
 */

interface AssertionResult {
  ancestorTitles: string[]
  title: string
  status: string
}

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')

function runFixtures(): Promise<AssertionResult[]> {
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')
  const directory = mkdtempSync(join(tmpdir(), 'callport-testkit-'))
  const outputFile = join(directory, 'results.json')
  const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')))
  const child = spawn(process.execPath, [vitest, 'run', '--config', 'vitest.config.ts', '--reporter=json', `--outputFile=${outputFile}`], {
    cwd: fixtures,
    env: environment,
    stdio: 'ignore',
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', () => {
      try {
        const report = JSON.parse(readFileSync(outputFile, 'utf8')) as { testResults: Array<{ assertionResults: AssertionResult[] }> }
        resolve(report.testResults.flatMap((file) => file.assertionResults))
      } catch (error) {
        reject(error)
      } finally {
        rmSync(directory, { recursive: true, force: true })
      }
    })
  })
}

describe('the conformance suites catch broken adapters', { timeout: 120_000 }, () => {
  let results: AssertionResult[]
  beforeAll(async () => {
    results = await runFixtures()
  }, 120_000)

  const failuresOf = (suite: string): string[] =>
    results.filter((result) => result.ancestorTitles[0]?.startsWith(`${suite} conformance`) && result.status === 'failed').map((result) => result.title)

  it.each([
    ['server: getRoom without its flag', ['has getRoom exactly when its capability flag is true']],
    ['server: updateParticipant without its flag', ['has updateParticipant exactly when capabilities.updateParticipant is true']],
    ['server: updateParticipant tells nobody', ['updateParticipant: the others in the room see the new name and metadata (participant-updated); what is left out stays']],
    ['server: ignores ttl bounds', ['refuses lifetimes outside the declared bounds with INVALID_INPUT']],
    ['server: ignores abort', ['rejects with ABORTED when the signal has already fired']],
    ['server: doubles the lifetime', ['sets expiresAt to about now + ttlSeconds']],
    ['client: announces its own disconnect', ['disconnect is idempotent and emits no disconnected event']],
    ['client: sendData without its flag', ['has sendData exactly when capabilities.sendData is true']],
    ['client: never announces arrivals', ['sees a remote participant join, then leave']],
    ['client: lists itself', ['lists remote participants only: not itself', 'sees a remote participant join, then leave']],
    ['client: stops the preview it was handed', ['connect publishes the tracks of ConnectOptions.tracks and never stops them']],
    [
      'client: never says muted-by-moderator',
      [
        'a moderator muting the microphone gives muted-by-moderator (audio); the participant can turn it on again',
        'a moderator muting the camera gives muted-by-moderator (video); the participant can turn it on again',
      ],
    ],
    [
      'server: muteParticipant tells nobody',
      [
        'muteParticipant (audio): succeeds for someone in the room, who is told (muted-by-moderator)',
        'muteParticipant (video): succeeds for someone in the room, who is told (muted-by-moderator)',
      ],
    ],
    [
      'client: declared capabilities without back doors',
      [
        'active-speakers-changed lists a remote participant who speaks, loudest first, and drops them when silent',
        "participant-updated carries a remote participant's new name and metadata",
        'an unplugged camera falls back to the default with active-device-changed (unplugged)',
        'an unplugged microphone falls back to the default with active-device-changed (unplugged)',
        "switchDevice('camera') switches and emits active-device-changed (switched); an unknown device is DEVICE_NOT_FOUND",
        "switchDevice('microphone') switches and emits active-device-changed (switched); an unknown device is DEVICE_NOT_FOUND",
        'connection-quality-changed reports the local participant (local: true)',
        'a moderator muting the microphone gives muted-by-moderator (audio); the participant can turn it on again',
        'a moderator muting the camera gives muted-by-moderator (video); the participant can turn it on again',
      ],
    ],
  ])('%s: fails exactly %j', (suite, expected) => {
    expect(failuresOf(suite).sort()).toEqual([...expected].sort())
  })

  it.each([
    ['server: not idempotent', ['is idempotent: the same name gives the same providerRoomId', 'is idempotent under concurrent calls']],
    ['server: folds case and punctuation', ['gives distinct names distinct providerRoomIds, also names differing only in case or punctuation']],
  ])('%s: fails at least %j', (suite, expected) => {
    expect(failuresOf(suite)).toEqual(expect.arrayContaining(expected))
  })

  it('ran every fixture suite', () => {
    const suites = new Set(results.map((result) => result.ancestorTitles[0]))
    expect(suites.size).toBe(16)
  })
})
