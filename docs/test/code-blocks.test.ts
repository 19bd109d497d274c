import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { readPage, runnableBlocks, sitePages, typeCheckBlocks, type RunnableBlock } from './runnable-code-blocks'

const docs = fileURLToPath(new URL('..', import.meta.url))
const baseConfig = fileURLToPath(new URL('../../tsconfig.base.json', import.meta.url))
const workDirectory = fileURLToPath(new URL('../.tmp/code-blocks/', import.meta.url))
const readme = fileURLToPath(new URL('../../README.md', import.meta.url))

describe('runnable code blocks', () => {
  it('finds marked blocks and code groups, with their titles and lines', () => {
    const page = [
      '# A page',
      '<!-- runnable -->',
      '```ts [server.ts]',
      'export const port = 3000',
      '```',
      '```ts',
      'not marked',
      '```',
      '<!-- runnable -->',
      '::: code-group',
      '```ts [a.ts]',
      "export const a = 'a'",
      '```',
      '```ts [b.ts]',
      "import { a } from './a'",
      '```',
      ':::',
    ].join('\n')
    expect(runnableBlocks(page, 'guide/x.md')).toEqual([
      { page: 'guide/x.md', line: 4, file: 'server.ts', group: 1, code: 'export const port = 3000' },
      { page: 'guide/x.md', line: 12, file: 'a.ts', group: 2, code: "export const a = 'a'" },
      { page: 'guide/x.md', line: 15, file: 'b.ts', group: 2, code: "import { a } from './a'" },
    ])
  })

  it('refuses a marker before something that is not a TypeScript block', () => {
    expect(() => runnableBlocks('<!-- runnable -->\n```sh\nnpm test\n```', 'p.md')).toThrow(/must be TypeScript/)
    expect(() => runnableBlocks('<!-- runnable -->\nSome prose.', 'p.md')).toThrow(/right before a code block/)
  })

  it('reports a block that does not compile, at its line in the page', () => {
    const blocks: RunnableBlock[] = [
      { page: 'guide/broken.md', line: 10, file: 'page.ts', group: 1, code: "import { createSession } from '@callport/client'\n\ncreateSession({ adapters: [], token: 42 })" },
    ]
    const errors = typeCheckBlocks(blocks, `${workDirectory}self-test/`, baseConfig)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^guide\/broken\.md:12:/)
  })

  it('every runnable block of the site and of the README compiles against the packages, strictly', () => {
    const pages = sitePages(docs)
    const blocks = [...pages.flatMap((page) => runnableBlocks(readPage(docs, page), page)), ...runnableBlocks(readFileSync(readme, 'utf8'), 'README.md')]
    const pagesWithCode = new Set(blocks.map((block) => block.page))
    for (const page of [
      'README.md',
      'guide/getting-started.md',
      'guide/server.md',
      'guide/client.md',
      'guide/testing.md',
      'providers/signaling.md',
      'providers/livekit.md',
      'providers/janus.md',
      'migration/twilio-video-to-livekit.md',
      'migration/openvidu-2-to-openvidu-3.md',
    ]) {
      expect(pagesWithCode, `${page} has runnable blocks`).toContain(page)
    }
    expect(typeCheckBlocks(blocks, `${workDirectory}site/`, baseConfig)).toEqual([])
  }, 120_000)
})
