import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig, type DefaultTheme } from 'vitepress'
import { repositoryLinks } from './repository-links'

const docsDirectory = fileURLToPath(new URL('..', import.meta.url))

/** Pages that exist: provider pages still being written by others appear once they are there. */
function existing(items: DefaultTheme.SidebarItem[]): DefaultTheme.SidebarItem[] {
  return items.filter(({ link }) => link === undefined || existsSync(`${docsDirectory}${link.slice(1)}${link.endsWith('/') ? 'index' : ''}.md`))
}

/** The API reference's sidebar, which TypeDoc writes beside the pages it generates (scripts/build-site.mjs). */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = `${docsDirectory}api/typedoc-sidebar.json`
  if (!existsSync(file)) return []
  return JSON.parse(readFileSync(file, 'utf8')) as DefaultTheme.SidebarItem[]
}

export default defineConfig({
  title: 'Callport',
  description: 'One API for video calls on any vendor: OpenVidu, Twilio, Vidyo.io, Kaleyra, or the built-in signaling provider.',
  lang: 'en',
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  srcExclude: ['README.md', 'scripts/**', 'test/**', '.tmp/**'],
  // Dead links fail the build (VitePress's default): keep it that way.
  ignoreDeadLinks: false,
  markdown: {
    config: (md) => md.use(repositoryLinks, { repositoryUrl: process.env.CALLPORT_REPOSITORY_URL }),
  },
  vite: {
    // Pages import the workspace packages' TypeScript sources, as the tests do: no package build needed.
    resolve: { conditions: ['@callport/source'] },
    build: {
      // The local search index is one lazily loaded chunk of about 0.8 MB.
      chunkSizeWarningLimit: 1200,
      rollupOptions: {
        onwarn(warning, warn) {
          // zod's sources carry `@__PURE__` comments Rollup cannot place; it drops them, harmlessly.
          if (warning.code === 'INVALID_ANNOTATION') return
          warn(warning)
        },
      },
    },
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Providers', link: '/providers/' },
      { text: 'Migration', link: '/migration/' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: existing([
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'Concepts', link: '/guide/concepts' },
          { text: 'Server guide', link: '/guide/server' },
          { text: 'Client guide', link: '/guide/client' },
          { text: 'Testing guide', link: '/guide/testing' },
          { text: 'Self-hosting media', link: '/guide/self-hosting-media' },
          { text: 'Write a provider', link: '/guide/providers' },
          { text: 'Live example', link: '/guide/live-example' },
        ]),
      },
      {
        text: 'Providers',
        items: existing([
          { text: 'Overview', link: '/providers/' },
          { text: 'signaling (built in)', link: '/providers/signaling' },
          { text: 'Signaling protocol', link: '/providers/signaling-protocol' },
          { text: 'OpenVidu', link: '/providers/openvidu' },
          { text: 'Twilio', link: '/providers/twilio' },
          { text: 'Vidyo.io', link: '/providers/vidyo' },
          { text: 'Kaleyra Video', link: '/providers/kaleyra' },
          { text: 'LiveKit (and OpenVidu 3)', link: '/providers/livekit' },
          { text: 'Janus (self-hosted SFU)', link: '/providers/janus' },
        ]),
      },
      {
        text: 'Migration',
        items: existing([
          { text: 'Overview', link: '/migration/' },
          { text: 'From the OpenVidu samples', link: '/migration/from-openvidu-samples' },
          { text: 'From Twilio Video', link: '/migration/from-twilio-video' },
          { text: 'From VidyoWorks', link: '/migration/from-vidyoworks' },
          { text: 'From the Kaleyra widget', link: '/migration/from-kaleyra-widget' },
          { text: 'Twilio Video → LiveKit', link: '/migration/twilio-video-to-livekit' },
          { text: 'OpenVidu 2 → OpenVidu 3', link: '/migration/openvidu-2-to-openvidu-3' },
        ]),
      },
      { text: 'API reference', link: '/api/', collapsed: true, items: apiSidebar() },
    ],
    outline: [2, 3],
    search: { provider: 'local' },
  },
})
