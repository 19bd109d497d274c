import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listBrowserEntries } from '../../../bench/lib/workspace.mjs'
import { listProviderPackages, listSourceFiles, readText, repositoryRoot, type ProviderPackage } from './provider-packages'

/**
 * The one shape of a provider package. Each check has the id of its line in CONTRIBUTING.md's
 * "Add a provider" checklist (`<!-- check: id -->`), and the last test keeps the two lists equal,
 * so the checklist cannot promise what this test does not check, nor the reverse.
 */

interface Names {
  provider: string
  /** `OpenVidu` */
  Vendor: string
  /** `openVidu` */
  vendor: string
  /** `OPENVIDU` */
  CONSTANT: string
}

function namesOf(provider: ProviderPackage): Names | string {
  const declared = provider.json.callport
  if (declared?.provider !== provider.id) return `package.json needs "callport": { "provider": "${provider.id}", "vendorName": "<Vendor>" }`
  const Vendor = declared.vendorName
  if (!Vendor || !/^[A-Z][A-Za-z0-9]*$/.test(Vendor)) return 'package.json "callport.vendorName" must be the vendor as identifiers spell it (PascalCase), such as "OpenVidu"'
  return { provider: provider.id, Vendor, vendor: Vendor[0]!.toLowerCase() + Vendor.slice(1), CONSTANT: provider.id.toUpperCase().replace(/-/g, '_') }
}

type Check = (provider: ProviderPackage, names: Names) => string[] | Promise<string[]>

const file = (provider: ProviderPackage, path: string): string | undefined => readText(join(provider.directory, path))
const missing = (condition: boolean, problem: string): string[] => (condition ? [] : [problem])

async function runtimeExports(path: string): Promise<string[] | string> {
  try {
    return Object.keys((await import(path)) as object).sort()
  } catch (error) {
    return `cannot be imported: ${error instanceof Error ? error.message : String(error)}`
  }
}

/** The runtime exports of one entry must be exactly the shape's, plus the declared extras. */
async function entryExports(provider: ProviderPackage, half: 'server' | 'client', required: string[]): Promise<string[]> {
  const exports = await runtimeExports(join(provider.directory, `src/${half}/index.ts`))
  if (typeof exports === 'string') return [`src/${half}/index.ts ${exports}`]
  const extras = provider.json.callport?.extraExports?.[half] ?? []
  const allowed = new Set([...required, ...extras])
  return [
    ...required.filter((name) => !exports.includes(name)).map((name) => `src/${half}/index.ts must export ${name}`),
    ...exports
      .filter((name) => !allowed.has(name))
      .map(
        (name) =>
          `src/${half}/index.ts exports ${name}, which is not part of the shape (tests import internals by path; a real extra goes in package.json "callport.extraExports.${half}")`,
      ),
  ]
}

function typeExports(provider: ProviderPackage, half: 'server' | 'client', types: string[]): string[] {
  const index = file(provider, `src/${half}/index.ts`) ?? ''
  return types
    .filter((type) => !new RegExp(`\\b(type\\s+${type}\\b|type\\s*\\{[^}]*\\b${type}\\b)`).test(index))
    .map((type) => `src/${half}/index.ts must export type ${type}`)
}

export const checks: Record<string, Check> = {
  'package-json': (provider) => {
    const exports = Object.keys(provider.json.exports ?? {}).sort()
    return [
      ...missing(provider.json.name === `@callport/${provider.id}`, `package.json name must be @callport/${provider.id}`),
      ...missing(
        JSON.stringify(exports) === JSON.stringify(['./client', './package.json', './server']),
        `package.json exports must be exactly ./server, ./client and ./package.json (has ${exports.join(', ')})`,
      ),
    ]
  },
  'provider-utils': (provider) => {
    const problems = missing(provider.json.dependencies?.['@callport/provider-utils'] !== undefined, 'package.json must depend on @callport/provider-utils')
    if (provider.json.dependencies?.['@callport/server'] || provider.json.peerDependencies?.['@callport/server'])
      problems.push('package.json must not depend on @callport/server (the host); tests may, as a devDependency')
    for (const source of listSourceFiles(join(provider.directory, 'src'))) {
      if (/from '@callport\/server(\/[^']*)?'/.test(file(provider, join('src', source)) ?? '')) problems.push(`src/${source} imports @callport/server`)
    }
    return problems
  },
  'provider-id': (provider, { provider: id, CONSTANT }) =>
    missing(
      new RegExp(`export const ${CONSTANT}_PROVIDER = '${id}' as const`).test(file(provider, 'src/shared/provider-id.ts') ?? ''),
      `src/shared/provider-id.ts must export const ${CONSTANT}_PROVIDER = '${id}' as const`,
    ),
  version: async (provider) => {
    const text = file(provider, 'src/shared/version.ts')
    if (!text) return ['src/shared/version.ts must export VERSION read from package.json']
    const module = (await import(join(provider.directory, 'src/shared/version.ts'))) as { VERSION?: unknown }
    return missing(
      module.VERSION === provider.json.version,
      `src/shared/version.ts VERSION (${String(module.VERSION)}) must equal package.json's version ${provider.json.version}`,
    )
  },
  'server-entry': async (provider, { provider: id, Vendor, vendor }) => [
    ...(await entryExports(provider, 'server', [id, `${vendor}TokenTtlBounds`, `${vendor}ServerCapabilities`, 'VERSION'])),
    ...typeExports(provider, 'server', [`${Vendor}Settings`, `${Vendor}ServerAdapter`]),
  ],
  'client-entry': async (provider, { provider: id, Vendor, vendor }) => [
    ...(await entryExports(provider, 'client', [id, `${vendor}ClientCapabilities`, 'VERSION'])),
    ...typeExports(provider, 'client', [`${Vendor}ClientOptions`, `${Vendor}ClientAdapter`]),
  ],
  'define-adapters': (provider, { provider: id }) => [
    ...missing(
      /defineServerAdapter\(/.test(file(provider, `src/server/${id}-server-adapter.ts`) ?? ''),
      `src/server/${id}-server-adapter.ts must make the adapter with defineServerAdapter`,
    ),
    ...missing(
      /defineClientAdapter\(/.test(file(provider, `src/client/${id}-client-adapter.ts`) ?? ''),
      `src/client/${id}-client-adapter.ts must make the adapter with defineClientAdapter`,
    ),
  ],
  'sdk-option': (provider, { Vendor }) => {
    const sources = listSourceFiles(join(provider.directory, 'src/client')).map((source) => file(provider, join('src/client', source)) ?? '')
    const declaration = sources.find((text) => new RegExp(`interface ${Vendor}ClientOptions\\b`).test(text)) ?? ''
    return missing(
      /\n\s+sdk\?:/.test(declaration.slice(declaration.indexOf(`interface ${Vendor}ClientOptions`))),
      `${Vendor}ClientOptions must name its SDK injection option \`sdk\``,
    )
  },
  'conformance-tests': (provider) => [
    ...missing(
      /runServerAdapterSuite(<[^>]*>)?\(/.test(file(provider, 'test/conformance-server.test.ts') ?? ''),
      'test/conformance-server.test.ts must run runServerAdapterSuite',
    ),
    ...missing(
      /runClientAdapterSuite(<[^>]*>)?\(/.test(file(provider, 'test/conformance-client.test.ts') ?? ''),
      'test/conformance-client.test.ts must run runClientAdapterSuite',
    ),
  ],
  readme: (provider) => missing(/^# @callport\//.test(file(provider, 'README.md') ?? ''), 'README.md must exist and start with "# @callport/<provider>"'),
  'docs-page': (_, { provider }) =>
    missing(
      (readText(join(repositoryRoot, `docs/providers/${provider}.md`)) ?? '').includes(`<ProviderCapabilities provider="${provider}" />`),
      `docs/providers/${provider}.md must exist and show <ProviderCapabilities provider="${provider}" />`,
    ),
  'docs-sidebar': (_, { provider }) =>
    missing(
      (readText(join(repositoryRoot, 'docs/.vitepress/config.ts')) ?? '').includes(`link: '/providers/${provider}'`),
      `docs/.vitepress/config.ts sidebar must link /providers/${provider}`,
    ),
  typedoc: (_, { provider }) => {
    const entryPoints = (JSON.parse(readText(join(repositoryRoot, 'docs/typedoc.json')) ?? '{}') as { entryPoints?: string[] }).entryPoints ?? []
    return ['server', 'client']
      .filter((half) => !entryPoints.includes(`../packages/${provider}/src/${half}/index.ts`))
      .map((half) => `docs/typedoc.json entryPoints must list ../packages/${provider}/src/${half}/index.ts`)
  },
  'capability-table': (_, { provider }) =>
    missing(
      (readText(join(repositoryRoot, 'docs/.vitepress/provider-capabilities.ts')) ?? '').includes(`provider: '${provider}'`),
      `docs/.vitepress/provider-capabilities.ts must list provider '${provider}'`,
    ),
  demo: (_, { provider }) =>
    missing(
      new RegExp(`^\\s+${provider}: `, 'm').test(readText(join(repositoryRoot, 'apps/demo/src/demo-providers.ts')) ?? ''),
      `apps/demo/src/demo-providers.ts must have an entry ${provider}`,
    ),
  'bundle-audit': (provider) =>
    missing(
      listBrowserEntries().some((entry: { specifier: string }) => entry.specifier === `${provider.json.name}/client`),
      `bench's bundle audit (bench/lib/workspace.mjs listBrowserEntries) does not find ${provider.json.name}/client`,
    ),
}

const providers = listProviderPackages()

describe('provider packages have the one shape', () => {
  it('finds the provider packages', () => {
    expect(providers.map((provider) => provider.id)).toEqual(expect.arrayContaining(['openvidu', 'twilio', 'vidyo', 'kaleyra', 'signaling', 'livekit']))
  })

  it.each(providers.map((provider) => [provider.id, provider] as const))('%s', async (_, provider) => {
    const names = namesOf(provider)
    const problems: string[] = []
    if (typeof names === 'string') problems.push(names)
    else for (const [id, check] of Object.entries(checks)) for (const problem of await check(provider, names)) problems.push(`[${id}] ${problem}`)
    expect(problems, `packages/${provider.id} differs from the provider shape (CONTRIBUTING.md, "Add a provider"):\n  ${problems.join('\n  ')}`).toEqual([])
  })

  it("CONTRIBUTING.md's checklist names exactly the checks this test makes", () => {
    const contributing = readText(join(repositoryRoot, 'CONTRIBUTING.md')) ?? ''
    const listed = [...contributing.matchAll(/<!-- check: ([a-z-]+) -->/g)].map((match) => match[1]).sort()
    expect(listed).toEqual(Object.keys(checks).sort())
  })
})
