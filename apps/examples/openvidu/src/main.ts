import type { AddressInfo } from 'node:net'
import { createAppServer } from './app-server'

const port = Number(process.env.PORT ?? 5000)
const host = process.env.HOST ?? '127.0.0.1'
const { server, calls } = startOrExplain(() => createAppServer())

calls.on('webhook', (event) => console.log(`[openvidu webhook] ${event.type} in ${event.room.name ?? event.room.providerRoomId}`))
server.listen(port, host, () => {
  const url = `http://${host}:${(server.address() as AddressInfo).port}`
  console.log(`Callport OpenVidu example on ${url} (samples' routes under /calls/api, Callport's POST /calls/join)`)
})
// Ctrl-C: stop at once (open browser connections included) and exit with status 0.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  })
}

/** Settings are checked when the server is made: a missing credential ends here with a plain message. */
function startOrExplain<T>(create: () => T): T {
  try {
    return create()
  } catch (error) {
    console.error(`The OpenVidu example could not start: ${error instanceof Error ? error.message : String(error)}`)
    console.error('Where the credentials come from: apps/examples/openvidu/README.md')
    process.exit(1)
  }
}
