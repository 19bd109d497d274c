import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { JANUS_PROVIDER, VERSION } from '../src/server/index'

describe('the server entry', () => {
  it("names the provider janus and carries the package's version", () => {
    expect(JANUS_PROVIDER).toBe('janus')
    expect(VERSION).toBe((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version)
  })
})
