import { startDemoServer } from './demo-server'
import { readDemoSettings } from './demo-settings'

// `npm run demo` / `pnpm --filter @callport/demo start`: settings come from the environment.
try {
  const settings = readDemoSettings(process.env)
  const demo = await startDemoServer({ ...settings, log: (line) => console.log(line) })
  console.log(`Callport demo (${demo.provider}) on ${demo.url} — open it in two tabs and join the same room.`)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void demo.close().then(() => process.exit(0))
    })
  }
} catch (error) {
  console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
