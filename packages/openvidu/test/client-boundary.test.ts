import { readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * What `@callport/openvidu/client` pulls into a browser bundle: every module reachable from
 * src/client/index.ts through static imports. None may be server code, a Node module, the REST
 * client, or know the secret; openvidu-browser may only be imported lazily.
 */

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const STATIC_IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm

function reachable(entry: string): Map<string, { source: string; specifiers: string[] }> {
  const modules = new Map<string, { source: string; specifiers: string[] }>()
  const visit = (file: string) => {
    if (modules.has(file)) return
    const source = readFileSync(file, 'utf8')
    const specifiers = [...source.matchAll(STATIC_IMPORT)].map((match) => match[1] ?? match[2] ?? '')
    modules.set(file, { source, specifiers })
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.endsWith('.json') ? specifier : `${specifier}.ts`))
    }
  }
  visit(entry)
  return modules
}

const client = reachable(resolve(packageRoot, 'src/client/index.ts'))
const files = [...client.keys()].map((file) => relative(packageRoot, file))

describe('the client half', () => {
  it('reaches only src/client and src/shared (and package.json, for VERSION)', () => {
    expect(files.length).toBeGreaterThan(5)
    expect(files.filter((file) => !file.startsWith('src/client/') && !file.startsWith('src/shared/') && file !== 'package.json')).toEqual([])
  })

  it('imports no Node module, no REST client and no openvidu-browser statically: only the browser-safe entries of provider-utils', () => {
    const bare = [...client.values()].flatMap(({ specifiers }) => specifiers.filter((specifier) => !specifier.startsWith('.')))
    expect(new Set(bare)).toEqual(new Set(['@callport/core', '@callport/provider-utils', '@callport/provider-utils/client', 'zod/mini']))
  })

  it('never imports openvidu-browser, not even lazily: it comes from the sdk option or the CDN global (client-build-without-sdk.test.ts builds it without)', () => {
    const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
    const importing = [...client.entries()].filter(([, { source }]) => /\bimport\s*\(\s*'openvidu-browser'/.test(withoutComments(source)))
    expect(importing.map(([file]) => relative(packageRoot, file))).toEqual([])
  })

  it('knows nothing of the secret or the REST API', () => {
    for (const { source } of client.values()) {
      expect(source).not.toMatch(/OPENVIDUAPP|OPENVIDU_SECRET|\/openvidu\/api|Buffer|process\.env/)
    }
  })

  it('can be imported where there is no window (server-side rendering)', async () => {
    expect(typeof globalThis.window).toBe('undefined')
    const module = await import('../src/client/index')
    expect(module.openvidu().provider).toBe('openvidu')
  })
})
