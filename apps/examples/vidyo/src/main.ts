import { startExampleServer, type ExampleServer } from './token-server'

let server: ExampleServer
try {
  server = await startExampleServer({ port: Number(process.env.PORT ?? 3000) })
} catch (error) {
  // Settings are checked when the server starts: a missing credential ends here with a plain message.
  console.error(`The Vidyo.io example could not start: ${error instanceof Error ? error.message : String(error)}`)
  console.error('Where the credentials come from: apps/examples/vidyo/README.md')
  process.exit(1)
}
console.log(`Callport Vidyo.io example on ${server.url} (POST ${server.url}/calls/join)`)
const stop = (): void => {
  void server.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
