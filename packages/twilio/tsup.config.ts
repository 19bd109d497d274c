import { defineConfig } from 'tsup'

export default defineConfig({
  // server/access-token is no public entry (package.json exports only ./server and ./client): it is
  // built for bench/twilio-token.mjs, which times Access Token signing by itself.
  entry: { 'server/index': 'src/server/index.ts', 'server/access-token': 'src/server/access-token.ts', 'client/index': 'src/client/index.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Keep `node:` in imports: a bare `events` would resolve to the npm `events` polyfill when one is installed.
  removeNodeProtocol: false,
})
