import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as client from '../src/client/index'
import * as server from '../src/server/index'
import { account } from './vidyo-harness'

const read = (relative: string): string => readFileSync(fileURLToPath(new URL(`../../../docs/${relative}`, import.meta.url)), 'utf8')
const pages = { migration: read('migration/from-vidyoworks.md'), provider: read('providers/vidyo.md') }

/** Every `import { … } from '@callport/vidyo/<half>'` in the page's code blocks. */
function importsOf(markdown: string): Array<{ half: 'server' | 'client'; name: string }> {
  const found: Array<{ half: 'server' | 'client'; name: string }> = []
  for (const match of markdown.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'@callport\/vidyo\/(server|client)'/g)) {
    for (const name of (match[1] ?? '').split(',').map(
      (part) =>
        part
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0] ?? '',
    )) {
      if (name) found.push({ half: match[2] as 'server' | 'client', name })
    }
  }
  return found
}

describe('the vidyo docs', () => {
  it.each(Object.entries(pages))('%s page imports only what @callport/vidyo exports', (_page, markdown) => {
    const imports = importsOf(markdown)
    expect(imports.length).toBeGreaterThan(0)
    for (const { half, name } of imports) {
      const exported = half === 'server' ? server : client
      // Types leave no runtime trace: those the index re-exports as types are checked by name in its source.
      const typeOnly = readFileSync(fileURLToPath(new URL(`../src/${half}/index.ts`, import.meta.url)), 'utf8').includes(name)
      expect(name in exported || typeOnly, `${name} from @callport/vidyo/${half}`).toBe(true)
    }
  })

  it('the migration guide shows sdk, not vidyoClient, and no unexported helper', () => {
    expect(pages.migration).toContain('vidyo({ sdk: VC })')
    expect(pages.migration).not.toMatch(/vidyoResourceIdOf|verifyVidyoToken|generateVidyoToken|vidyo\(\{ vidyoClient/)
  })

  it("the migration guide's room examples are what ensureRoom gives", async () => {
    const adapter = server.vidyo(account)
    for (const match of pages.migration.matchAll(/ensureRoom\(\{ name: '([^']+)' \}\)\)\.providerRoomId \/\/ '([^']+)'/g)) {
      expect((await adapter.ensureRoom({ name: match[1] ?? '' })).providerRoomId).toBe(match[2])
    }
    expect([...pages.migration.matchAll(/ensureRoom\(/g)]).toHaveLength(2)
  })
})
