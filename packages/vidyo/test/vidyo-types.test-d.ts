import type { ClientConnection, VendorObjectOf } from '@callport/core'
import { describe, expectTypeOf, it } from 'vitest'
import type { vidyo, VidyoClientAdapter, VidyoConnector } from '../src/client/index'

describe('vidyo client types', () => {
  it("the vendor object is the call's VidyoConnector", () => {
    expectTypeOf<VendorObjectOf<VidyoClientAdapter>>().toEqualTypeOf<VidyoConnector>()
    expectTypeOf<VendorObjectOf<ReturnType<typeof vidyo>>>().toEqualTypeOf<VidyoConnector>()
  })

  it('connections have switchDevice', () => {
    type Connection = Awaited<ReturnType<VidyoClientAdapter['connect']>>
    expectTypeOf<Connection>().toExtend<ClientConnection>()
    expectTypeOf<Connection['switchDevice']>().toBeFunction()
  })
})
