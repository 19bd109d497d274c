import { runClientAdapterSuite } from '@callport/testkit'
import { afterAll, beforeAll } from 'vitest'
import { kaleyra } from '../src/client/index'
import { FakeBandyerSdk } from './fake-widget'
import { createTokenIssuer } from './tokens'

const issuer = createTokenIssuer()
beforeAll(() => issuer.listen())
afterAll(() => issuer.close())

runClientAdapterSuite<FakeBandyerSdk>({
  name: 'kaleyra',
  setup: () => new FakeBandyerSdk(),
  createAdapter: (sdk) => kaleyra({ sdk }),
  issueToken: ({ room, identity }) => issuer.issue(room, identity),
  refusedToken: async ({ room, identity }, sdk) => {
    const token = await issuer.issue(room, identity)
    sdk.refusedTokens.add(token.value)
    return token
  },
  // No `remote`: widget 2.7.5 builds the call joined by link from nothing (its `participants`
  // getter throws), so the widget cannot tell this connection who else is in the call.
  // The widget mounts its own element; the suite only needs something to hand over.
  container: () => ({}) as HTMLElement,
})
