/**
 * `@callport/server/node`: the Node.js adapter. `toNodeHandler(calls)` turns a call server (or any
 * Fetch API handler) into a node:http request listener that also works as Express/Connect
 * middleware. The main entry, `@callport/server`, is web-standard only (it runs on Deno, Bun,
 * Workers, Vercel Edge); everything that needs Node's own modules lives here.
 */
export { toNodeHandler, type NodeHandler } from './node-handler'
