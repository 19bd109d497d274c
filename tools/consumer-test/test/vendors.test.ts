import { execFileSync } from 'node:child_process'
import semver from 'semver'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { publicManifests, tarballsFor } from './support/packs'
import { npmInstall, run, tempProject, userEnvironment, type TempProject } from './support/projects'

// Each vendor package installed with plain npm beside its vendor SDK (the oldest release its peer range
// allows, and the newest one of the range that declares this Node in its engines), on this Node: no
// engine warning, no peer conflict, and `--engine-strict` passes.
const notVendors = new Set(['@callport/provider-utils', '@callport/signaling'])
const vendors = publicManifests().filter((manifest) => !notVendors.has(manifest.name) && './server' in manifest.exports && './client' in manifest.exports)

interface Release {
  version: string
  engines?: { node?: string }
}

/** The releases of `sdk` that `range` allows (npm's own answer; prereleases left out), oldest first. */
function releasesIn(sdk: string, range: string): Release[] {
  const output = execFileSync('npm', ['view', `${sdk}@${range}`, 'version', 'engines', '--json'], { encoding: 'utf8', env: userEnvironment(), cwd: '/' })
  // One object per release; bare version strings when no release of the range declares engines.
  const parsed = JSON.parse(output) as Release | string | (Release | string)[]
  return (Array.isArray(parsed) ? parsed : [parsed])
    .map((entry) => (typeof entry === 'string' ? { version: entry } : entry))
    .filter((release) => semver.prerelease(release.version) === null)
    .sort((a, b) => semver.compare(a.version, b.version))
}

/** Whether a release declares it runs on this Node (no `engines.node`: it does). */
const runsHere = (release: Release) => !release.engines?.node || semver.satisfies(process.version, release.engines.node)

/**
 * Whether the release npm would install for each dependency of `sdk@version` declares this Node too
 * (one level down: livekit-client 2.23 itself declares no engines, but its machina 7 wants Node 22.22,
 * so npm warns EBADENGINE on Node 20).
 */
function dependenciesRunHere(sdk: string, version: string): boolean {
  const dependencies = JSON.parse(
    execFileSync('npm', ['view', `${sdk}@${version}`, 'dependencies', '--json'], { encoding: 'utf8', env: userEnvironment(), cwd: '/' }) || '{}',
  ) as Record<string, string>
  return Object.entries(dependencies).every(([name, range]) => {
    const installed = releasesIn(name, range).at(-1)
    return installed === undefined || runsHere(installed)
  })
}

/** The SDK releases each vendor package is installed beside: the oldest and the newest its peer range allows. */
const sdkBounds = vendors.flatMap((vendor) =>
  Object.entries(vendor.peerDependencies)
    .filter(([name]) => !name.startsWith('@callport/'))
    .map(([sdk, range]) => {
      const releases = releasesIn(sdk, range)
      if (releases.length === 0) throw new Error(`${vendor.name}: no ${sdk} release satisfies its peer range ${range}`)
      // The newest release that declares this Node, itself and through its dependencies: newer ones
      // (twilio-video 2.32.1+ wants Node 22; livekit-client 2.23's machina 7 too) are outside what a
      // Node 20 user can install cleanly, and the package README pins that one.
      // Newest first, the first whose own engines and whose dependencies' engines accept this Node.
      const newest = releases
        .filter(runsHere)
        .reverse()
        .find((release) => dependenciesRunHere(sdk, release.version))
      if (!newest) throw new Error(`${vendor.name}: no ${sdk} release in ${range} installs cleanly on Node ${process.version}`)
      const skippedNewer = releases.filter((release) => semver.gt(release.version, newest.version)).map((release) => release.version)
      if (skippedNewer.length > 0)
        console.log(`[consumer-test] ${sdk} ${skippedNewer.join(', ')} (in ${range}) or their dependencies declare engines other than Node ${process.version}: not installed`)
      return { vendor: vendor.name, sdk, range, oldest: releases[0]!.version, newest: newest.version }
    }),
)

// Two projects, not one per vendor and release: every vendor package with the oldest SDKs, then with the
// newest (vendors without an SDK peer in both). npm names the package it complains about.
const cases = (['oldest', 'newest'] as const).map((bound) => {
  const sdks = sdkBounds.map((each) => `${each.sdk}@${each[bound]}`)
  return { bound, sdks, listed: sdks.join(', ') }
})

/** What npm prints for an engine mismatch or a peer it could not satisfy. */
const complaints = /EBADENGINE|ERESOLVE|conflicting peer|unmet peer|peer dep(endency)? missing|invalid: /i

describe.concurrent(`each vendor package beside its SDK on Node ${process.versions.node}`, () => {
  const projects: TempProject[] = []
  afterAll(() => projects.forEach((project) => project.remove()))

  it('finds the vendor packages', () => {
    expect(vendors.map((vendor) => vendor.name)).toEqual(expect.arrayContaining(['@callport/openvidu', '@callport/twilio', '@callport/vidyo', '@callport/kaleyra']))
  })

  for (const { bound, sdks, listed } of cases)
    it(`${vendors.map((vendor) => vendor.name).join(', ')} beside the ${bound} SDK releases (${listed}): no engine warning, no peer conflict`, async () => {
      const project = tempProject(`vendors-${bound}`)
      projects.push(project)
      const specs = [
        ...tarballsFor(
          inject('packs'),
          vendors.map((vendor) => vendor.name),
        ),
        ...sdks,
      ]
      const plain = await npmInstall(project, specs)
      expect(plain.code, plain.output).toBe(0)
      expect(complaints.exec(plain.output)?.[0], plain.output).toBeUndefined()
      const strict = await npmInstall(project, specs, ['--engine-strict'])
      expect(strict.code, strict.output).toBe(0)
      expect(complaints.exec(strict.output)?.[0], strict.output).toBeUndefined()
      const listed = await run('npm', ['ls', '--all'], { cwd: project.directory })
      expect(listed.code, listed.output).toBe(0)
      // An SDK's own optional dependency left out (ws's bufferutil) is npm's normal `UNMET OPTIONAL DEPENDENCY`.
      expect(/\binvalid\b|UNMET (?!OPTIONAL)|\bmissing\b/i.exec(listed.output)?.[0], listed.output).toBeUndefined()
    })
})
