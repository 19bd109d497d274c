import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bareBuiltinImports, publicPackages } from '../../../scripts/pack-lib.mjs'
import { repositoryRoot } from './provider-packages'

/**
 * What a published package needs that TypeScript and the unit tests do not see: the metadata the
 * registry page shows, a README that works outside the repository, LICENSE, node10 typings, the
 * `node:` prefix kept in builds, and the guard against packing with npm. scripts/check-packs.mjs
 * (in npm test) checks the same on the packed tarballs, with publint and attw.
 */

const docsSite = 'https://callport.github.io/callport/'
const packages = publicPackages().map((each) => ({ ...each, id: relative(join(repositoryRoot, 'packages'), each.directory) }))
const byId = packages.map((each) => [each.id, each] as const)

interface Manifest {
  [key: string]: unknown
  exports?: Record<string, { types?: string } | string>
  typesVersions?: Record<string, Record<string, string[]>>
  files?: string[]
  scripts?: Record<string, string>
}

/** Relative link or image targets in a Markdown text that leave `directory` (or point to no file). */
export function linksLeavingPackage(markdown: string, directory: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '')
  const targets = [...withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g), ...withoutCode.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((match) => match[1]!)
  return targets.filter((target) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) return false
    const path = resolve(directory, target.replace(/[#?].*$/, ''))
    return relative(directory, path).startsWith('..') || target.startsWith('/') || !existsSync(path)
  })
}

/** The packages (npm names, not subpaths) the README's JavaScript and TypeScript code blocks import. */
export function importedPackages(markdown: string): string[] {
  const found = new Set<string>()
  for (const block of markdown.matchAll(/```(?:ts|tsx|js|jsx|mjs|cjs|typescript|javascript)\b[^\n]*\n([\s\S]*?)```/g)) {
    const code = block[1]!
    const specifiers = [
      ...code.matchAll(/\bfrom\s*['"]([^'"]+)['"]/g),
      ...code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
      ...code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
      ...code.matchAll(/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ].map((match) => match[1]!)
    for (const specifier of specifiers) {
      if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue
      const parts = specifier.split('/')
      found.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!)
    }
  }
  return [...found].sort()
}

/** Every package an `npm install` line of the README names (version ranges removed). */
export function installedPackages(markdown: string): string[] {
  const found = new Set<string>()
  for (const line of markdown.matchAll(/^\s*(?:npm (?:install|i)|pnpm add|yarn add)\s+(.+)$/gm)) {
    for (const word of line[1]!.split(/\s+/)) {
      if (word.startsWith('-') || word === '') continue
      found.add(word.replace(/^(@?[^@]+)@.*$/, '$1'))
    }
  }
  return [...found].sort()
}

describe('the README checks can fail', () => {
  it('finds relative links out of the package, and keeps absolute and in-package ones', () => {
    const directory = join(repositoryRoot, 'packages', 'server')
    const markdown =
      '[guide](../../docs/guide/server.md) [site](https://callport.github.io/callport/) [license](./LICENSE) [top](#install) ![x](../logo.png)\n[ref]: ../../README.md'
    expect(linksLeavingPackage(markdown, directory)).toEqual(['../../docs/guide/server.md', '../logo.png', '../../README.md'])
  })

  it('finds example imports that no install line covers', () => {
    const markdown =
      "```sh\nnpm install @callport/vidyo twilio-video@2\n```\n```ts\nimport { a } from '@callport/server/node'\nimport b from 'twilio-video'\nimport 'node:http'\nconst c = await import('ws')\n```"
    expect(importedPackages(markdown)).toEqual(['@callport/server', 'twilio-video', 'ws'])
    expect(installedPackages(markdown)).toEqual(['@callport/vidyo', 'twilio-video'])
  })

  it('finds Node built-ins imported without node: in built JavaScript', () => {
    const code = 'import { EventEmitter } from "events";\nimport{randomUUID}from"crypto";\nimport "node:http";\nconst fs = await import("fs/promises");\nrequire("zod")'
    expect(bareBuiltinImports(code)).toEqual(['crypto', 'events', 'fs/promises'])
    expect(bareBuiltinImports('import { createHmac } from "node:crypto"; import { z } from "zod/mini"')).toEqual([])
  })
})

describe('public packages are ready to publish', () => {
  it('finds every public package', () => {
    expect(packages.map((each) => each.id)).toEqual(expect.arrayContaining(['client', 'core', 'server', 'signaling', 'testkit', 'twilio']))
  })

  it.each(byId)('%s: README links are absolute (they work on the registry page)', (_, each) => {
    const readme = readFileSync(join(each.directory, 'README.md'), 'utf8')
    expect(linksLeavingPackage(readme, each.directory), `packages/${each.id}/README.md: link to ${docsSite}… instead`).toEqual([])
  })

  it.each(byId)("%s: README's install line covers what its examples import", (_, each) => {
    const readme = readFileSync(join(each.directory, 'README.md'), 'utf8')
    const installed = installedPackages(readme)
    expect(installed, `packages/${each.id}/README.md has no npm install line`).toContain(each.name)
    const missing = importedPackages(readme).filter((name) => !installed.includes(name))
    expect(missing, `packages/${each.id}/README.md: its examples import these, its install line does not name them`).toEqual([])
  })

  it.each(byId)('%s: package.json metadata', (_, each) => {
    const manifest = each.manifest as Manifest
    expect({
      author: typeof manifest.author === 'string' && manifest.author !== '',
      license: manifest.license,
      homepage: typeof manifest.homepage === 'string' && manifest.homepage.startsWith(docsSite),
      repository: manifest.repository,
      bugs: manifest.bugs,
      keywords: Array.isArray(manifest.keywords) && manifest.keywords.includes('callport'),
      engines: manifest.engines,
      sideEffects: typeof manifest.sideEffects,
      type: manifest.type,
    }).toEqual({
      author: true,
      license: 'MIT',
      homepage: true,
      repository: { type: 'git', url: 'git+https://github.com/callport/callport.git', directory: `packages/${each.id}` },
      bugs: { url: 'https://github.com/callport/callport/issues' },
      keywords: true,
      engines: { node: '>=20.19' },
      sideEffects: 'boolean',
      type: 'module',
    })
  })

  it.each(byId)('%s: its homepage is a page of the docs site', (_, each) => {
    const page = String(each.manifest.homepage).slice(docsSite.length)
    expect(existsSync(join(repositoryRoot, 'docs', `${page}.md`)), `docs/${page}.md`).toBe(true)
  })

  it.each(byId)('%s: internal dependencies are workspace:^ (packed as a caret range)', (_, each) => {
    const manifest = each.manifest as Record<string, Record<string, string> | undefined>
    const pinned = ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
      Object.entries(manifest[field] ?? {})
        .filter(([name, range]) => name.startsWith('@callport/') && range !== 'workspace:^')
        .map(([name, range]) => `${field}.${name}: ${range}`),
    )
    expect(pinned).toEqual([])
  })

  it.each(byId)('%s: LICENSE is the root LICENSE and is published', (_, each) => {
    const manifest = each.manifest as Manifest
    expect(readFileSync(join(each.directory, 'LICENSE'), 'utf8')).toBe(readFileSync(join(repositoryRoot, 'LICENSE'), 'utf8'))
    expect(manifest.files).toContain('LICENSE')
  })

  it.each(byId)('%s: typesVersions maps every subpath export (TypeScript node10 resolution)', (_, each) => {
    const manifest = each.manifest as Manifest
    const expected = Object.fromEntries(
      Object.entries(manifest.exports ?? {})
        .filter(([key, value]) => key !== '.' && key !== './package.json' && typeof value === 'object')
        .map(([key, value]) => [key.slice(2), [(value as { types?: string }).types]]),
    )
    if (Object.keys(expected).length === 0) expect(manifest.typesVersions).toBeUndefined()
    else expect(manifest.typesVersions).toEqual({ '*': expected })
  })

  it.each(byId)('%s: tsup keeps the node: prefix', (_, each) => {
    expect(readFileSync(join(each.directory, 'tsup.config.ts'), 'utf8')).toMatch(/^\s*removeNodeProtocol: false,$/m)
  })

  it.each(byId)('%s: packing or publishing with npm is refused', (_, each) => {
    const manifest = each.manifest as Manifest
    expect(manifest.scripts?.prepack).toBe('node ../../scripts/guard-pack.mjs')
    expect(manifest.scripts?.prepublishOnly).toBe('node ../../scripts/guard-pack.mjs')
  })
})

describe('scripts/guard-pack.mjs', () => {
  const guard = join(repositoryRoot, 'scripts', 'guard-pack.mjs')
  const run = (agent: string, event: string) =>
    spawnSync(process.execPath, [guard], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, npm_config_user_agent: agent, npm_lifecycle_event: event, npm_package_name: '@callport/server' },
    })

  it('refuses npm, naming the way to publish', () => {
    const result = run('npm/10.8.2 node/v20.19.0 linux x64 workspaces/false', 'prepublishOnly')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('Refusing to publish @callport/server with npm/10.8.2')
    expect(result.stderr).toContain('npm run release')
  })

  it('refuses a pack without a user agent', () => {
    const result = run('', 'prepack')
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('Refusing to pack')
  })

  it('lets pnpm through', () => {
    expect(run('pnpm/10.34.9 npm/? node/v20.19.0 linux x64', 'prepack').status).toBe(0)
  })
})
