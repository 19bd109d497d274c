import { startExample } from '@callport/example-kit'
import { createAppServer } from './app-server'

const { calls } = startExample({
  name: 'OpenVidu',
  directory: 'openvidu',
  port: 5000,
  create: () => createAppServer(),
  routes: () => "(samples' routes under /calls/api, Callport's POST /calls/join)",
})
calls.on('webhook', (event) => console.log(`[openvidu webhook] ${event.type} in ${event.room.name ?? event.room.providerRoomId}`))
