import { exitOnSignals, explainAndExit } from '@callport/example-kit'
import { startExampleServer, type ExampleServer } from './token-server'

let server: ExampleServer
try {
  server = await startExampleServer({ port: Number(process.env.PORT ?? 3000) })
} catch (error) {
  // Settings are checked when the server starts: a missing credential ends here with a plain message.
  explainAndExit({ name: 'Vidyo.io', directory: 'vidyo' }, error)
}
console.log(`Callport Vidyo.io example on ${server.url} (POST ${server.url}/calls/join)`)
exitOnSignals(() => server.close())
