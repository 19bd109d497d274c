import type { ClientAdapter, ClientConnection, ServerAdapter, VendorObjectOf } from '@callport/core'
import { describe, expectTypeOf, it } from 'vitest'
import { kaleyra as kaleyraClient, type BandyerSdk, type KaleyraClientAdapter, type KaleyraClientOptions, type WidgetClient } from '../src/client/index'
import { kaleyra as kaleyraServer, type KaleyraSettings } from '../src/server/index'
import type { FakeBandyerSdk } from './fake-widget'

describe('types', () => {
  it('both factories produce adapters of specification v1', () => {
    expectTypeOf(kaleyraServer).returns.toExtend<ServerAdapter>()
    expectTypeOf(kaleyraClient).returns.toExtend<ClientAdapter>()
  })

  it('client connections always have updateToken', () => {
    type Connection = Awaited<ReturnType<ReturnType<typeof kaleyraClient>['connect']>>
    expectTypeOf<Connection>().toExtend<ClientConnection>()
    expectTypeOf<Connection['updateToken']>().toBeFunction()
  })

  it("the vendor object is the widget's client", () => {
    expectTypeOf<VendorObjectOf<KaleyraClientAdapter>>().toEqualTypeOf<WidgetClient>()
    expectTypeOf<VendorObjectOf<ReturnType<typeof kaleyraClient>>>().toEqualTypeOf<WidgetClient>()
  })

  it('the fake widget is a BandyerSdk and can be injected', () => {
    expectTypeOf<FakeBandyerSdk>().toExtend<BandyerSdk>()
    expectTypeOf<{ sdk: FakeBandyerSdk }>().toExtend<KaleyraClientOptions>()
  })

  it('settings take only documented regions and environments', () => {
    expectTypeOf<KaleyraSettings['region']>().toEqualTypeOf<'eu' | 'in' | 'us' | undefined>()
    expectTypeOf<KaleyraSettings['environment']>().toEqualTypeOf<'sandbox' | 'production' | undefined>()
  })

  it('the client options cannot override what the token decides', () => {
    expectTypeOf<NonNullable<KaleyraClientOptions['configuration']>>().not.toHaveProperty('appId')
    expectTypeOf<NonNullable<KaleyraClientOptions['configuration']>>().not.toHaveProperty('isAdmin')
  })
})
