import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  platform: 'node',
  // The examples' shared code is never built: bundled from its sources.
  noExternal: ['@callport/example-kit'],
  clean: true,
  sourcemap: true,
  target: 'es2022',
})
