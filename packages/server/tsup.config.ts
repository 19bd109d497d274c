import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts', redis: 'src/redis.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Keep `node:` in imports: a bare `events` would resolve to the npm `events` polyfill when one is installed.
  removeNodeProtocol: false,
})
