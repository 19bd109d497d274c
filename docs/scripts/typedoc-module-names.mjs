// @ts-check
// TypeDoc plugin: names each module of the API reference after the import path people write
// (`@callport/signaling/server`), read from the `exports` map of the package its entry file belongs to.
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { Converter, ReflectionKind } from 'typedoc'

/**
 * The import path of a package entry file: the `exports` key whose `@callport/source` target is
 * that file. Undefined when the file is not a public entry point.
 * @param {string} file absolute path of a TypeScript entry file
 * @returns {string | undefined}
 */
export function importPathOf(file) {
  let directory = dirname(file)
  while (directory !== dirname(directory)) {
    const manifest = join(directory, 'package.json')
    let text
    try {
      text = readFileSync(manifest, 'utf8')
    } catch {
      directory = dirname(directory)
      continue
    }
    /** @type {{ name: string, exports?: Record<string, Record<string, string> | string> }} */
    const pkg = JSON.parse(text)
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const source = typeof target === 'string' ? target : target['@callport/source']
      if (source && resolve(directory, source) === file) return subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`
    }
    return undefined
  }
  return undefined
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return
    const symbol = context.getSymbolFromReflection(reflection)
    const file = symbol?.declarations?.[0]?.getSourceFile().fileName
    const name = file && importPathOf(resolve(file))
    if (name) reflection.name = name
    else app.logger.warn(`No package export names ${file ? relative(process.cwd(), file) : reflection.name}`)
  })
}
