import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/** The browser half must never reach the server half, Node modules, the REST client, full zod, or livekit-client at import time. */

const source = resolve(dirname(fileURLToPath(import.meta.url)), '../src')

/** Modules outside src/ the browser half may import: zod/mini, core, and the browser-safe entries of provider-utils. */
const browserSafe = ['zod/mini', '@callport/core', '@callport/provider-utils', '@callport/provider-utils/client']
/** src/shared/version.ts reads the version from the package's own package.json. */
const packageJson = '../package.json'

/** The modules a file imports statically (resolved below src/ when relative) and dynamically. */
function importsOf(file: string): { static: string[]; dynamic: string[] } {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
  const resolveSpecifier = (specifier: string) => (specifier.startsWith('.') ? relative(source, resolve(dirname(file), specifier)) : specifier)
  return {
    static: [...text.matchAll(/^(?:import|export)\b[^'"]*?from\s*'([^']+)'/gm)].map(([, specifier = '']) => resolveSpecifier(specifier)),
    dynamic: [...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map(([, specifier = '']) => resolveSpecifier(specifier)),
  }
}

/** Every file the client entry reaches, with its imports. */
function clientGraph(): Map<string, ReturnType<typeof importsOf>> {
  const graph = new Map<string, ReturnType<typeof importsOf>>()
  const pending = [join(source, 'client/index.ts')]
  while (pending.length > 0) {
    const file = pending.pop()!
    const key = relative(source, file)
    if (graph.has(key)) continue
    const imports = importsOf(file)
    graph.set(key, imports)
    for (const specifier of imports.static) if (specifier.startsWith('client/') || specifier.startsWith('shared/')) pending.push(join(source, `${specifier}.ts`))
  }
  return graph
}

describe('client bundle boundary', () => {
  it('reaches only src/client and src/shared, the package.json, zod/mini, @callport/core and browser-safe provider-utils', () => {
    const graph = clientGraph()
    expect([...graph.keys()]).toEqual(expect.arrayContaining(['client/index.ts', 'client/livekit-connection.ts', 'client/load-sdk.ts']))
    for (const [file, imports] of graph) {
      for (const specifier of imports.static) {
        const allowed = specifier.startsWith('client/') || specifier.startsWith('shared/') || specifier === packageJson || browserSafe.includes(specifier)
        expect(allowed, `${file} imports ${specifier}`).toBe(true)
      }
    }
  })

  it('never imports livekit-client, not even dynamically: it comes from the sdk option or the UMD global', () => {
    const dynamic = [...clientGraph()].flatMap(([file, imports]) => imports.dynamic.map((specifier) => `${file} → ${specifier}`))
    expect(dynamic).toEqual([])
  })

  it('src/shared imports nothing that needs Node or the server', () => {
    for (const file of readdirSync(join(source, 'shared'))) {
      for (const specifier of importsOf(join(source, 'shared', file)).static) {
        expect(specifier.startsWith('shared/') || specifier === packageJson || ['zod/mini', '@callport/core'].includes(specifier), `${file} imports ${specifier}`).toBe(true)
      }
    }
  })
})
