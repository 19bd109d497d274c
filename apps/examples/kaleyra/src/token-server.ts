import type { Server } from 'node:http'
import { createPageServer, pageShell, type ExamplePage } from '@callport/example-kit'
import { createCallServer, type CallServer } from '@callport/server'
import { toNodeHandler } from '@callport/server/node'
import { kaleyra, type KaleyraSettings } from '@callport/kaleyra/server'

// Served at GET / and GET /page.js (src/page/main.ts, bundled on the first request).
const page: ExamplePage = {
  html: pageShell({ title: 'Kaleyra Video example', heading: 'Kaleyra Video' }),
  script: new URL('../src/page/main.ts', import.meta.url),
}

/**
 * The whole backend of a Kaleyra call page: `POST /calls/join {room}` answers `{room, token}`.
 * Kaleyra settings come from `KALEYRA_API_KEY`, `KALEYRA_APP_ID`, `KALEYRA_REGION` and
 * `KALEYRA_ENVIRONMENT` unless given here.
 */
export function createTokenServer(settings: KaleyraSettings = {}): { server: Server; calls: CallServer } {
  const calls = createCallServer({
    providers: [kaleyra(settings)],
    basePath: '/calls',
    tokenTtlSeconds: 3600,
    // Demo authentication: the user id comes from a header. Use your own session or JWT check instead.
    authorize: async (request) => {
      const user = request.headers.get('x-user-id')
      if (!user) return null
      return { identity: user, role: request.headers.get('x-user-role') === 'agent' ? 'moderator' : 'publisher' }
    },
  })
  // GET / and GET /page.js serve the page; everything else goes to the call server.
  return { server: createPageServer(page, toNodeHandler(calls)), calls }
}
