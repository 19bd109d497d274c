import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { packPublicPackages, type Pack } from './support/packs'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The packed public packages (tarballs in a temporary folder, removed after the run). */
    packs: Pack[]
  }
}

/** Packs every public package once for all the tests, the way a release does. */
export default async function setup(project: TestProject): Promise<() => void> {
  const folder = mkdtempSync(join(tmpdir(), 'callport-consumer-packs-'))
  const started = Date.now()
  const packs = await packPublicPackages(folder)
  console.log(`[consumer-test] packed ${packs.length} packages in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  project.provide('packs', packs)
  return () => rmSync(folder, { recursive: true, force: true })
}
