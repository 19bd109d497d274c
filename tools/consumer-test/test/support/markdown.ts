import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repositoryRoot } from './paths'

export interface MarkedBlock {
  /** The fence's language (`ts`, `sh`). */
  language: string
  /** The fence's `[title]`, if any. */
  title: string | undefined
  /** The block's code, verbatim. */
  code: string
}

export function readRepositoryFile(path: string): string {
  return readFileSync(join(repositoryRoot, path), 'utf8')
}

/** Every fenced block of a Markdown text that stands right after the comment line `marker` (e.g. `<!-- runnable -->`). */
export function blocksAfter(markdown: string, marker: string): MarkedBlock[] {
  const lines = markdown.split('\n')
  const blocks: MarkedBlock[] = []
  for (let index = 0; index < lines.length; index++) {
    if (lines[index]!.trim() !== marker) continue
    const fence = /^(`{3,})(\w*)\s*(?:\[(.+)\])?/.exec(lines[index + 1]?.trim() ?? '')
    if (!fence) throw new Error(`line ${index + 1}: ${marker} must stand right before a fenced code block`)
    const end = lines.findIndex((line, position) => position > index + 1 && line.trim() === fence[1])
    if (end === -1) throw new Error(`line ${index + 2}: unclosed code block`)
    blocks.push({ language: fence[2] ?? '', title: fence[3], code: `${lines.slice(index + 2, end).join('\n')}\n` })
    index = end
  }
  return blocks
}

/** Every fenced block whose title is `[file]`, whatever comment stands before it (the guide's index.html has none). */
export function blockTitled(markdown: string, file: string): MarkedBlock {
  const lines = markdown.split('\n')
  const start = lines.findIndex((line) => new RegExp(`^\`{3,}\\w*\\s*\\[${file.replace(/\./g, '\\.')}\\]`).test(line.trim()))
  if (start === -1) throw new Error(`no code block titled [${file}]`)
  const fence = /^(`{3,})(\w*)/.exec(lines[start]!.trim())!
  const end = lines.findIndex((line, position) => position > start && line.trim() === fence[1])
  return { language: fence[2] ?? '', title: file, code: `${lines.slice(start + 1, end).join('\n')}\n` }
}
