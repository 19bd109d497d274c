import { startExample } from '@callport/example-kit'
import { createTokenServer } from './token-server'

startExample({ name: 'Twilio', directory: 'twilio', port: 3000, create: () => createTokenServer(), routes: (url) => `(POST ${url}/calls/join)` })
