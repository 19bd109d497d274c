import { EventEmitter } from 'eventemitter3'
import { describe, expectTypeOf, it } from 'vitest'
import type { CallServerEvents, Invite, InviteStatus, SessionEvents } from './index'

describe('invite events', () => {
  it('sessions and call servers emit invite with the Invite', () => {
    new EventEmitter<SessionEvents>().on('invite', (event) => expectTypeOf(event.invite).toEqualTypeOf<Invite>())
    new EventEmitter<CallServerEvents>().on('invite', (event) => expectTypeOf(event.invite.status).toEqualTypeOf<InviteStatus>())
  })
})
