import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import ts from 'typescript'

/**
 * The docs' convention for code that must compile: a `<!-- runnable -->` line right before a fenced
 * TypeScript block, or before a `::: code-group` (then every block of the group is one program, and
 * the files can import each other by their titles: ```ts [server.ts]).
 */
export const RUNNABLE_MARKER = '<!-- runnable -->'

export interface RunnableBlock {
  /** The page, relative to docs/. */
  page: string
  /** 1-based line of the block's first line of code in the page. */
  line: number
  /** File name: the block's `[title]`, or `block-<n>.ts`. */
  file: string
  /** Blocks of one code group share a number (and a folder). */
  group: number
  code: string
}

const typescriptLanguages = new Set(['ts', 'typescript', 'tsx', 'mts'])
const fencePattern = /^(`{3,}|~{3,})\s*([\w+-]*)(.*)$/

/** The runnable blocks of one page. Throws when the marker stands before anything but TypeScript. */
export function runnableBlocks(markdown: string, page: string): RunnableBlock[] {
  const lines = markdown.split('\n')
  const blocks: RunnableBlock[] = []
  let group = 0
  let marked = false
  let inGroup = false
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim()
    if (line === RUNNABLE_MARKER) {
      marked = true
      group += 1
      continue
    }
    if (marked && line.startsWith('::: code-group')) {
      inGroup = true
      marked = false
      continue
    }
    if (inGroup && line === ':::') {
      inGroup = false
      continue
    }
    const fence = fencePattern.exec(line)
    if (!fence) {
      if (marked && line !== '') throw new Error(`${page}:${index + 1}: ${RUNNABLE_MARKER} must stand right before a code block or a code group`)
      continue
    }
    const [, delimiter = '```', language = '', rest = ''] = fence
    const end = lines.findIndex((candidate, position) => position > index && candidate.trim().startsWith(delimiter) && candidate.trim().replace(/[`~]/g, '') === '')
    if (end === -1) throw new Error(`${page}:${index + 1}: unclosed code block`)
    if (marked || inGroup) {
      if (!typescriptLanguages.has(language)) throw new Error(`${page}:${index + 1}: a runnable block must be TypeScript, not "${language}"`)
      const title = /\[(.+)\]/.exec(rest)?.[1]
      blocks.push({ page, line: index + 2, file: title ?? `block-${blocks.length + 1}.ts`, group, code: lines.slice(index + 1, end).join('\n') })
      marked = false
    }
    index = end
  }
  return blocks
}

/** Every Markdown page of the site below `docs` (not the generated API reference, not node_modules). */
export function sitePages(docs: string): string[] {
  const skipped = new Set(['node_modules', 'api', '.vitepress', '.tmp', 'scripts', 'test'])
  const pages: string[] = []
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (entry.isDirectory() && !skipped.has(entry.name)) walk(join(directory, entry.name))
      else if (entry.isFile() && entry.name.endsWith('.md') && !(directory === docs && entry.name === 'README.md')) {
        pages.push(relative(docs, join(directory, entry.name)))
      }
    }
  }
  walk(docs)
  return pages.sort()
}

/**
 * Writes the blocks below `workDirectory` (which must be inside docs/, so that the packages resolve
 * through its node_modules) and type-checks them in one program with the repository's strict settings
 * (tsconfig.base.json: strict, noUncheckedIndexedAccess, the `@callport/source` condition).
 * Returns one message per error, located in the page.
 */
export function typeCheckBlocks(blocks: readonly RunnableBlock[], workDirectory: string, baseConfig: string): string[] {
  rmSync(workDirectory, { recursive: true, force: true })
  const located = new Map<string, RunnableBlock>()
  for (const block of blocks) {
    const file = join(workDirectory, block.page.replace(/\.md$/, ''), String(block.group), block.file)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, `${block.code}\n`)
    located.set(file, block)
  }
  const config = ts.readConfigFile(baseConfig, ts.sys.readFile)
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'))
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(baseConfig))
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, moduleDetection: ts.ModuleDetectionKind.Force, sourceMap: false, declaration: false }
  const program = ts.createProgram([...located.keys()], options)
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file === undefined || located.has(diagnostic.file.fileName))
    .map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
      if (!diagnostic.file || diagnostic.start === undefined) return message
      const block = located.get(diagnostic.file.fileName)!
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
      return `${block.page}:${block.line + line}:${character + 1} (${block.file}): ${message}`
    })
}

/** Reads a page of docs/. */
export function readPage(docs: string, page: string): string {
  return readFileSync(join(docs, page), 'utf8')
}
