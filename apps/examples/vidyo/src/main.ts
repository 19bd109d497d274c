import { startExampleServer } from './token-server'

const server = await startExampleServer({ port: Number(process.env.PORT ?? 3000) })
console.log(`Callport Vidyo.io example on ${server.url} (POST ${server.url}/calls/join)`)
const stop = (): void => {
  void server.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
