declare module '*/bench/lib/workspace.mjs' {
  export function listBrowserEntries(): Array<{ specifier: string; file: string; external: string[]; problem?: string }>
}
