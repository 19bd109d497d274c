import { posix } from 'node:path'
import type { MarkdownRenderer } from 'vitepress'

export interface RepositoryLinkOptions {
  /**
   * Web address of the repository's tree at the published revision, such as
   * `https://example.com/callport/tree/main`. Without it, paths outside the site show as plain text.
   */
  repositoryUrl: string | undefined
}

/**
 * Where a relative link of a page leads in the repository: its path from the repository root when
 * it leaves `docs/`, else undefined (a page of the site, or an absolute or external link).
 * `page` is the page's path inside `docs/`, such as `providers/vidyo.md`.
 */
export function repositoryPathOf(href: string, page: string): string | undefined {
  if (href === '' || href.startsWith('#') || href.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(href)) return undefined
  const target = posix.normalize(posix.join('docs', posix.dirname(page), href.split('#')[0] ?? '')).replace(/\/$/, '')
  if (target === 'docs' || target.startsWith('docs/') || target.startsWith('../')) return undefined
  return target
}

/**
 * markdown-it plugin: the pages are written to read well in the repository too, so they link to
 * source files with relative paths (`../../packages/signaling/src/shared/protocol.ts`). On the site those
 * links go to the repository when `repositoryUrl` is set, and otherwise become the path as text,
 * so that no link of the site leads nowhere.
 */
export function repositoryLinks(md: MarkdownRenderer, options: RepositoryLinkOptions): void {
  md.core.ruler.push('callport-repository-links', (state) => {
    const relativePath = (state.env as { relativePath?: unknown }).relativePath
    const page = typeof relativePath === 'string' ? relativePath : ''
    for (const block of state.tokens) {
      const children = block.children ?? []
      children.forEach((token, index) => {
        if (token.type !== 'link_open') return
        const path = repositoryPathOf(token.attrGet('href') ?? '', page)
        if (path === undefined) return
        if (options.repositoryUrl) {
          token.attrSet('href', `${options.repositoryUrl.replace(/\/+$/, '')}/${path}`)
          return
        }
        const close = children.findIndex((candidate, position) => position > index && candidate.type === 'link_close' && candidate.level === token.level)
        token.type = 'html_inline'
        token.content = `<span class="repository-path" title="${md.utils.escapeHtml(`${path} in the Callport repository`)}">`
        if (close !== -1) {
          const closing = children[close]!
          closing.type = 'html_inline'
          closing.content = '</span>'
        }
      })
    }
  })
}
