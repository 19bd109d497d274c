import { startExample } from '@callport/example-kit'
import { createTokenServer } from './token-server'

startExample({ name: 'Kaleyra', directory: 'kaleyra', port: 3000, create: () => createTokenServer(), routes: (url) => `(POST ${url}/calls/join)` })
