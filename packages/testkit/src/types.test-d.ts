import type { ClientAdapter, ClientConnection, ConnectionStateChangedEvent, EventEmitter, ParticipantEvent, ServerAdapter, SessionEvents, TrackEvent } from '@callport/core'
import { describe, expectTypeOf, it } from 'vitest'
import { memory, waitForEvent, type MemoryConnection } from './index'

describe('public types', () => {
  it('memory() fits both adapter lists, with every optional server method present', () => {
    const provider = memory()
    expectTypeOf(provider).toExtend<ServerAdapter>()
    expectTypeOf(provider).toExtend<ClientAdapter>()
    expectTypeOf(provider.getRoom).toBeFunction()
    expectTypeOf(provider.closeRoom).toBeFunction()
    expectTypeOf(provider.muteParticipant).toBeFunction()
    expectTypeOf(provider.updateParticipant).toBeFunction()
    expectTypeOf(provider.prepare).toBeFunction()
    expectTypeOf(provider.connect).returns.resolves.toEqualTypeOf<MemoryConnection>()
    expectTypeOf<MemoryConnection>().toExtend<ClientConnection>()
  })

  it('waitForEvent resolves with the listener arguments of the named event', () => {
    const connection = {} as ClientConnection
    const session = {} as EventEmitter<SessionEvents>
    expectTypeOf(waitForEvent(connection, 'participant-joined')).resolves.toEqualTypeOf<[event: ParticipantEvent]>()
    expectTypeOf(waitForEvent(connection, 'track-subscribed')).resolves.toEqualTypeOf<[event: TrackEvent]>()
    expectTypeOf(waitForEvent(session, 'connection-state-changed')).resolves.toEqualTypeOf<[event: ConnectionStateChangedEvent]>()
  })
})
