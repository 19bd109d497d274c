import { defineConfig } from 'tsup'

// The page (src/page) is not built here: the server bundles it with esbuild when it starts.
export default defineConfig({
  entry: { main: 'src/main.ts', index: 'src/index.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'node',
})
