import { join } from 'node:path'
import type { TempProject } from './projects'
import { run, type CommandResult } from './projects'

/** The settings every consumer check adds: the strictest a user is likely to have. */
export const strictSettings = { strict: true, exactOptionalPropertyTypes: true, target: 'ES2022', skipLibCheck: true, noEmitOnError: true }

export type Resolution = 'node16' | 'bundler' | 'commonjs'

/** Module settings of each resolution a consumer may use: `module: commonjs` resolves the node10 way (no `exports`). */
export const moduleSettings: Record<Resolution, Record<string, string>> = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  commonjs: { module: 'commonjs' },
}

/** Writes `tsconfig.<name>.json` for one file and runs the project's own tsc on it. */
export function compile(project: TempProject, name: string, file: string, resolution: Resolution, options: { browser: boolean; outDir?: string }): Promise<CommandResult> {
  const compilerOptions = {
    ...strictSettings,
    ...moduleSettings[resolution],
    lib: options.browser ? ['ES2023', 'DOM', 'DOM.Iterable'] : ['ES2023'],
    types: options.browser ? [] : ['node'],
    ...(options.outDir ? { outDir: options.outDir, rootDir: '.' } : { noEmit: true }),
  }
  project.write(`tsconfig.${name}.json`, `${JSON.stringify({ compilerOptions, files: [file] }, null, 2)}\n`)
  return run(process.execPath, [join(project.directory, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', `tsconfig.${name}.json`], {
    cwd: project.directory,
    timeoutMs: 120_000,
  })
}
