import { createTokenServer } from './token-server'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '127.0.0.1'
const { server } = createTokenServer()

server.listen(port, host, () => {
  console.log(`Twilio token server on http://${host}:${port}/calls/join`)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close())
