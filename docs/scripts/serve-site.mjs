#!/usr/bin/env node
// @ts-check
// `npm run docs` (from the repository root) builds the site, then runs this: the demo server serves
// the built site beside its `/calls` API and the built-in signaling server, so that the live example
// runs real calls. PORT (default 5173) and HOST (default 127.0.0.1) choose where.
import { startDemoServer } from '@callport/demo'
import { createSiteHandler } from './static-site.mjs'

const port = Number(process.env.PORT || 5173)
const demo = await startDemoServer({
  port,
  host: process.env.HOST || '127.0.0.1',
  serveRequest: createSiteHandler(),
  log: (line) => console.log(line),
})
console.log(`Callport docs on ${demo.url}/ (the live example: ${demo.url}/guide/live-example.html). Ctrl-C stops.`)
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => void demo.close().then(() => process.exit(0)))
}
