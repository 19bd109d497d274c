import { describe, expect, it } from 'vitest'
import { formatCapability } from '../.vitepress/provider-capabilities'
import { repositoryPathOf } from '../.vitepress/repository-links'
import { resolveSitePath } from '../scripts/static-site.mjs'

describe('links from pages to the repository', () => {
  it('finds the repository path of a link that leaves docs/', () => {
    expect(repositoryPathOf('../../packages/signaling/src/shared/protocol.ts', 'providers/signaling-protocol.md')).toBe('packages/signaling/src/shared/protocol.ts')
    expect(repositoryPathOf('../../apps/examples/vidyo/', 'migration/from-vidyoworks.md')).toBe('apps/examples/vidyo')
    expect(repositoryPathOf('../README.md#install', 'index.md')).toBe('README.md')
  })

  it('leaves pages of the site, anchors, absolute and external links alone', () => {
    expect(repositoryPathOf('../providers/vidyo.md#token-expiry', 'migration/from-vidyoworks.md')).toBeUndefined()
    expect(repositoryPathOf('#webhooks', 'providers/openvidu.md')).toBeUndefined()
    expect(repositoryPathOf('/guide/server', 'index.md')).toBeUndefined()
    expect(repositoryPathOf('https://zod.dev', 'guide/concepts.md')).toBeUndefined()
    expect(repositoryPathOf('mailto:team@example.com', 'guide/concepts.md')).toBeUndefined()
  })
})

describe('serving the built site', () => {
  const files = new Set(['/index.html', '/guide/server.html', '/api/@callport/client.html', '/assets/app.js'])

  it('answers files, folders and clean URLs', () => {
    expect(resolveSitePath('/', files)).toBe('/index.html')
    expect(resolveSitePath('/guide/server.html', files)).toBe('/guide/server.html')
    expect(resolveSitePath('/guide/server', files)).toBe('/guide/server.html')
    expect(resolveSitePath('/api/%40callport/client.html', files)).toBe('/api/@callport/client.html')
    expect(resolveSitePath('/assets/app.js', files)).toBe('/assets/app.js')
  })

  it('declines what the site does not have, and paths that try to leave it', () => {
    expect(resolveSitePath('/guide/', files)).toBeUndefined()
    expect(resolveSitePath('/../package.json', files)).toBeUndefined()
    expect(resolveSitePath('/%E0%A4%A', files)).toBeUndefined()
  })
})

describe('capability values in tables', () => {
  it('reads booleans, media styles and lifetime bounds', () => {
    expect(formatCapability(true)).toBe('yes')
    expect(formatCapability(false)).toBe('no')
    expect(formatCapability('view')).toBe('`view`')
    expect(formatCapability({ min: 360, max: 86_400 })).toBe('360–86,400 s')
    expect(formatCapability(['camera', 'microphone'])).toBe('`camera`, `microphone`')
    expect(formatCapability([])).toBe('none')
    expect(() => formatCapability({ nested: true })).toThrow(TypeError)
  })
})
