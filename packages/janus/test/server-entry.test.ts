import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { janus, VERSION } from '../src/server/index'
import { JANUS_PROVIDER } from '../src/shared/provider-id'

describe('the server entry', () => {
  it("names the provider janus and carries the package's version", () => {
    expect(JANUS_PROVIDER).toBe('janus')
    expect(janus({ url: 'http://127.0.0.1:8088/janus', tokenSecret: 's', environmentVariables: {} }).provider).toBe(JANUS_PROVIDER)
    expect(VERSION).toBe((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version)
  })
})
