import { createAppServer } from './app-server'

const port = Number(process.env.PORT ?? 5000)
const host = process.env.HOST ?? '127.0.0.1'
const { server, calls } = createAppServer()

calls.on('webhook', (event) => console.log(`[openvidu webhook] ${event.type} in ${event.room.name ?? event.room.providerRoomId}`))
server.listen(port, host, () => {
  console.log(`OpenVidu application server on http://${host}:${port}/calls/ (samples' routes under /calls/api, Callport's /calls/join)`)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close())
