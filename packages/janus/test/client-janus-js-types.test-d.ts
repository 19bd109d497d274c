import type JanusGateway from 'janus-gateway'
import type JanusGatewayOldest from 'janus-gateway-oldest'
import { expectTypeOf, test } from 'vitest'
import type { JanusJs, JanusJsPluginHandle, JanusJsSession } from '../src/client/janus-js-types'
import type { JanusJsSource } from '../src/client/load-sdk'

declare const newest: typeof JanusGateway
declare const oldest: typeof JanusGatewayOldest
type Handle = Parameters<NonNullable<Parameters<InstanceType<typeof JanusGateway>['attach']>[0]['success']>>[0]
declare const handle: Handle

test("janus-gateway's own declarations (1.4.2 and 1.1.4) fit the structural types the client half is written against", () => {
  // Assignments, so that a mismatch names the member that differs.
  const janus: JanusJs = newest
  const oldestJanus: JanusJs = oldest
  const session: JanusJsSession = new newest({ server: 'http://127.0.0.1/janus' })
  const pluginHandle: JanusJsPluginHandle = handle
  const module: JanusJsSource = { default: newest }
  expectTypeOf([janus, oldestJanus, session, pluginHandle, module]).not.toBeNever()
})
