import { runServerAdapterSuite } from '@callport/testkit'
import { vidyo } from '../src/server/index'
import { account } from './vidyo-harness'

runServerAdapterSuite({
  name: 'vidyo',
  createAdapter: () => vidyo(account),
})
