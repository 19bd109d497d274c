import type { Server } from 'node:http'
import { createPageServer, pageShell, type ExamplePage } from '@callport/example-kit'
import { createCallServer, type CallServer } from '@callport/server'
import { toNodeHandler } from '@callport/server/node'
import { twilio, type TwilioSettings } from '@callport/twilio/server'

// Served at GET / and GET /page.js (src/page/main.ts, bundled on the first request).
const page: ExamplePage = {
  html: pageShell({ title: 'Twilio Video example', heading: 'Twilio Video' }),
  script: new URL('../src/page/main.ts', import.meta.url),
}

/**
 * The whole backend of a Twilio call page: `POST /calls/join {room}` answers `{room, token}` with a
 * Twilio Access Token, and `POST /calls/webhooks/twilio` receives the rooms' status callbacks.
 * Credentials come from `TWILIO_ACCOUNT_SID`, `TWILIO_API_KEY_SID`, `TWILIO_API_KEY_SECRET` and
 * `TWILIO_AUTH_TOKEN`, and the callback URL from `TWILIO_STATUS_CALLBACK_URL`, unless given here.
 */
export function createTokenServer(settings: TwilioSettings = {}): { server: Server; calls: CallServer } {
  const calls = createCallServer({
    providers: [twilio(settings)],
    basePath: '/calls',
    tokenTtlSeconds: 3600,
    // Demo authentication: the user id comes from a header. Use your own session or JWT check instead.
    authorize: async (request) => {
      const user = request.headers.get('x-user-id')
      return user ? { identity: user } : null
    },
  })
  calls.on('participant-joined', (event) => console.log(`${event.participant.identity} joined ${event.room.name ?? event.room.providerRoomId}`))
  calls.on('room-ended', (event) => console.log(`room ${event.room.name ?? event.room.providerRoomId} ended`))
  // GET / and GET /page.js serve the page; everything else goes to the call server.
  return { server: createPageServer(page, toNodeHandler(calls)), calls }
}
