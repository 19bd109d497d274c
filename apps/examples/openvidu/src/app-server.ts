import type { Server } from 'node:http'
import { createPageServer, pageShell, type ExamplePage } from '@callport/example-kit'
import { createCallServer, type CallServer } from '@callport/server'
import { toNodeHandler } from '@callport/server/node'
import { openvidu, openViduSampleRoutes, type OpenViduSettings } from '@callport/openvidu/server'

// Served at GET / and GET /page.js (src/page/main.ts on src/page.ts's createSession, bundled on the first request).
const page: ExamplePage = {
  html: pageShell({ title: 'OpenVidu example', heading: 'OpenVidu' }),
  script: new URL('../src/page/main.ts', import.meta.url),
}

/** Demo authentication: the user name comes from a `user` cookie or an `x-user` header. Use your own session check instead. */
export function userOf(request: Request): string | undefined {
  const cookie = /(?:^|;\s*)user=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1]
  const user = cookie === undefined ? request.headers.get('x-user') : decodeURIComponent(cookie)
  return user || undefined
}

/**
 * The application server of an OpenVidu app, on Callport. Below `/calls`:
 * - `POST /api/sessions` and `POST /api/sessions/:id/connections`: the routes of OpenVidu's
 *   application-server samples (`openViduSampleRoutes`, mounted in front of the call server), so the
 *   existing page works unchanged (`APPLICATION_SERVER_URL` = `<origin>/calls/`);
 * - `POST /join {room}` → `{room, token}`: what a page on `createSession` calls;
 * - `POST /webhooks/openvidu`: OpenVidu's webhooks (when `OPENVIDU_WEBHOOK_HEADERS` is set).
 * OpenVidu is reached at `OPENVIDU_URL` with `OPENVIDU_SECRET` unless given here.
 */
export function createAppServer(settings: OpenViduSettings = {}): { server: Server; calls: CallServer } {
  const provider = openvidu(settings)
  const calls = createCallServer({
    providers: [provider],
    basePath: '/calls',
    authorize: async (request) => {
      const user = userOf(request)
      return user ? { identity: user, name: user } : null
    },
  })
  // The samples' two routes answer first; everything else (undefined, body unread) goes on to the call server.
  const samples = toNodeHandler(openViduSampleRoutes({ calls, provider }))
  const api = toNodeHandler(calls)
  // GET / and GET /page.js serve the page; everything else goes to the samples' routes, then the call server.
  return { server: createPageServer(page, (request, response) => samples(request, response, () => api(request, response))), calls }
}
