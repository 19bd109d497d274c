import { createServer, type Server } from 'node:http'
import { createCallServer, type CallServer } from '@callport/server'
import { toNodeHandler } from '@callport/server/node'
import { twilio, type TwilioSettings } from '@callport/twilio/server'
import { pageRoutes } from './page-assets'

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
  // GET / and GET /page.js serve the page (src/page); everything else goes to the call server.
  const page = pageRoutes()
  const api = toNodeHandler(calls)
  return {
    server: createServer((request, response) => {
      if (!page(request, response)) api(request, response)
    }),
    calls,
  }
}
