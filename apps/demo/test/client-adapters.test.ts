import { describe, expect, it } from 'vitest'
import { demoProviders } from '../src/demo-providers'
import { clientAdapters } from '../src/page/client-adapters'

describe("the page's client adapters", () => {
  it('include one for every provider the demo server can run on, so CALLPORT_PROVIDER never needs a page change', () => {
    const providers = clientAdapters().map((adapter) => adapter.provider)
    expect(new Set(providers).size).toBe(providers.length)
    expect([...providers].sort()).toEqual(Object.keys(demoProviders).sort())
  })
})
