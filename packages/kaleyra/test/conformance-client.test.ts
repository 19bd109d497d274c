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
  remote: {
    // The widget reports the other participant through the call it joined by the room link.
    async join({ identity }, sdk) {
      const call = sdk.client?.call
      if (!call) throw new Error('the local widget joined no call')
      call.participants = [...call.participants, identity]
      call.change('connected')
      return { leave: async () => (call.status === 'ended' ? undefined : call.change('ended', 'hang_up')) }
    },
  },
  // The widget mounts its own element; the suite only needs something to hand over.
  container: () => ({}) as HTMLElement,
})
