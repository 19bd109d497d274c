import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The browser half must never pull in the server half, Node modules, ky or full zod. It may use the
 * browser-safe entries of @callport/provider-utils, and src/shared/version.ts reads package.json.
 */

const source = resolve(dirname(fileURLToPath(import.meta.url)), '../src')

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : [],
  )
}

/** Every module a file imports, resolved to a path below src/ when relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map(([, specifier = '']) =>
    specifier.startsWith('.') ? relative(source, resolve(dirname(file), specifier)) : specifier,
  )
}

/** Everything reachable from src/client/index.ts. */
function clientGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  const pending = [join(source, 'client/index.ts')]
  while (pending.length > 0) {
    const file = pending.pop()!
    const key = relative(source, file)
    if (graph.has(key)) continue
    const imports = importsOf(file)
    graph.set(key, imports)
    for (const specifier of imports)
      if (
        !specifier.startsWith('@') &&
        !specifier.includes(':') &&
        !specifier.startsWith('zod') &&
        !specifier.startsWith('eventemitter3') &&
        !specifier.endsWith('package.json')
      )
        pending.push(join(source, `${specifier}.ts`))
  }
  return graph
}

/** What src/shared may import: nothing with I/O; `../package.json` is the version. */
const sharedSafe = ['zod/mini', '@callport/core', '../package.json']
/** What the client half may import besides src/client and src/shared. */
const clientSafe = [...sharedSafe, '@callport/provider-utils', '@callport/provider-utils/client']

describe('client bundle boundary', () => {
  it('reaches only src/client and src/shared, zod/mini and @callport/core', () => {
    const graph = clientGraph()
    expect(graph.size).toBeGreaterThan(5)
    for (const [file, imports] of graph) {
      for (const specifier of imports) {
        const allowed = specifier.startsWith('client/') || specifier.startsWith('shared/') || clientSafe.includes(specifier)
        expect(allowed, `${file} imports ${specifier}`).toBe(true)
      }
    }
  })

  it('src/shared imports nothing that needs Node or the server', () => {
    for (const file of filesUnder(join(source, 'shared'))) {
      for (const specifier of importsOf(file)) {
        expect(specifier.startsWith('shared/') || sharedSafe.includes(specifier), `${file} imports ${specifier}`).toBe(true)
      }
    }
  })
})
