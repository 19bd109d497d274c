#!/usr/bin/env node
// @ts-check
// Builds the documentation site: the API reference (TypeDoc + typedoc-plugin-markdown, from the
// packages' TypeScript sources, into docs/api/, which git ignores), then the VitePress site into
// docs/.vitepress/dist/. VitePress fails the build on a dead link.
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Application, TSConfigReader, TypeDocReader } from 'typedoc'
import { build } from 'vitepress'

const docs = fileURLToPath(new URL('..', import.meta.url))
process.chdir(docs)

const started = performance.now()
rmSync('api', { recursive: true, force: true })
const typedoc = await Application.bootstrapWithPlugins({ options: 'typedoc.json' }, [new TypeDocReader(), new TSConfigReader()])
const project = await typedoc.convert()
if (!project) throw new Error('TypeDoc could not convert the packages')
await typedoc.generateOutputs(project)
if (typedoc.logger.hasErrors()) throw new Error('TypeDoc reported errors')
console.log(`API reference generated in ${((performance.now() - started) / 1000).toFixed(1)} s`)

await build(docs)
console.log(`Site built in ${((performance.now() - started) / 1000).toFixed(1)} s: docs/.vitepress/dist`)
