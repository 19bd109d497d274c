import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const packagesDirectory = join(repositoryRoot, 'packages')

/** Packages with `./server` and `./client` entries that are not providers. */
export const notProviders: ReadonlySet<string> = new Set(['@callport/provider-utils'])

export interface PackageJson {
  name: string
  version: string
  exports?: Record<string, unknown>
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  /** What the structure test needs to know of a provider package. */
  callport?: {
    /** The provider id, equal to the directory name and `<VENDOR>_PROVIDER`. */
    provider?: string
    /** The vendor's name as identifiers spell it: `OpenVidu`, `Twilio`. */
    vendorName?: string
    /** Runtime exports beyond the one shape, per entry, each a documented reason in the package README. */
    extraExports?: { server?: string[]; client?: string[] }
  }
}

export interface ProviderPackage {
  directory: string
  /** The directory name under packages/. */
  id: string
  json: PackageJson
}

export function readText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

/** Every package under packages/ that exports both `./server` and `./client`, except the non-providers. */
export function listProviderPackages(): ProviderPackage[] {
  return readdirSync(packagesDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDirectory, entry.name, 'package.json')))
    .map((entry) => {
      const directory = join(packagesDirectory, entry.name)
      return { directory, id: entry.name, json: JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as PackageJson }
    })
    .filter(({ json }) => !notProviders.has(json.name) && json.exports !== undefined && './server' in json.exports && './client' in json.exports)
}

/** Every `.ts` file below `directory`, relative paths. */
export function listSourceFiles(directory: string): string[] {
  if (!existsSync(directory)) return []
  return readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'))
}
