import { defineConfig } from 'tsup'

// The page (src/page) is bundled for the browser by the server when it starts.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'node',
  // The examples' shared code is never built: bundled from its sources.
  noExternal: ['@callport/example-kit'],
})
