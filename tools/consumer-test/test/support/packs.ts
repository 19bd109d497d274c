import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { repositoryRoot } from './paths'

export interface Pack {
  name: string
  version: string
  /** Absolute path of the tarball. */
  file: string
}

interface PackLib {
  packPublicPackages(options: { outDir: string; build: boolean }): Promise<Pack[]>
}

/** Every package of packages/* that is not private, with its manifest. */
export function publicManifests(): {
  name: string
  version: string
  directory: string
  exports: Record<string, unknown>
  dependencies: Record<string, string>
  peerDependencies: Record<string, string>
}[] {
  const parent = join(repositoryRoot, 'packages')
  return readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(parent, entry.name, 'package.json')))
    .map((entry) => {
      const directory = join(parent, entry.name)
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
        name: string
        version: string
        private?: boolean
        exports?: Record<string, unknown>
        dependencies?: Record<string, string>
        peerDependencies?: Record<string, string>
      }
      return { ...manifest, directory, exports: manifest.exports ?? {}, dependencies: manifest.dependencies ?? {}, peerDependencies: manifest.peerDependencies ?? {} }
    })
    .filter((manifest) => manifest.private !== true)
    .sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * Packs every public package the way a release does, into `outDir`, from the packages' built `dist`
 * (turbo builds them before this package's tests: they are its devDependencies). It is the release's
 * own packing code, scripts/pack-lib.mjs (behind `npm run pack:local`); without it, `pnpm pack` in
 * each package (what that script runs).
 */
export async function packPublicPackages(outDir: string): Promise<Pack[]> {
  mkdirSync(outDir, { recursive: true })
  const library = join(repositoryRoot, 'scripts', 'pack-lib.mjs')
  if (existsSync(library)) {
    const { packPublicPackages: pack } = (await import(pathToFileURL(library).href)) as PackLib
    return pack({ outDir: resolve(outDir), build: false })
  }
  const packs: Pack[] = []
  for (const each of publicManifests()) {
    if (!existsSync(join(each.directory, 'dist'))) throw new Error(`${each.name}: no dist folder; build the packages first (turbo does before npm test runs this)`)
    const before = new Set(readdirSync(outDir))
    const result = spawnSync(process.execPath, [join(repositoryRoot, 'scripts', 'pnpm.mjs'), 'pack', '--pack-destination', outDir], { cwd: each.directory, encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`pnpm pack of ${each.name} failed:\n${result.stdout}${result.stderr}`)
    const created = readdirSync(outDir).filter((entry) => entry.endsWith('.tgz') && !before.has(entry))
    if (created.length !== 1) throw new Error(`${each.name}: expected one new tarball, found ${created.length}`)
    packs.push({ name: each.name, version: each.version, file: join(outDir, created[0]!) })
  }
  return packs
}

/** The tarballs a project needs to install `names` (their @callport/* dependencies included: none is on the registry yet). */
export function tarballsFor(packs: readonly Pack[], names: readonly string[]): string[] {
  const manifests = new Map(publicManifests().map((manifest) => [manifest.name, manifest]))
  const needed = new Set<string>()
  const visit = (name: string) => {
    if (needed.has(name)) return
    const manifest = manifests.get(name)
    if (!manifest) throw new Error(`${name} is not a public package`)
    needed.add(name)
    for (const dependency of Object.keys(manifest.dependencies)) if (dependency.startsWith('@callport/')) visit(dependency)
  }
  names.forEach(visit)
  return [...needed].map((name) => {
    const pack = packs.find((each) => each.name === name)
    if (!pack) throw new Error(`no tarball for ${name}`)
    return pack.file
  })
}
