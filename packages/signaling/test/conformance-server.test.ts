import { runServerAdapterSuite } from '@callport/testkit'
import { signaling } from '../src/server/index'
import { SECRET } from './server/harness'

runServerAdapterSuite({ name: 'signaling', createAdapter: () => signaling({ secret: SECRET, url: 'https://signaling.example.test' }) })
