import type { ConnectionStateChangedEvent } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { createStateMachine } from './state-machine'

describe('StateMachine', () => {
  it('moves along the table and reports each change', () => {
    const changes: ConnectionStateChangedEvent[] = []
    const machine = createStateMachine((event) => changes.push(event))
    expect(machine.move('idle', 'connecting')).toBe(true)
    expect(machine.move('connecting', 'connected')).toBe(true)
    expect(machine.move('connected', 'reconnecting')).toBe(true)
    expect(machine.move('reconnecting', 'disconnected')).toBe(true)
    expect(machine.move('disconnected', 'connecting')).toBe(true)
    expect(changes.map(({ previous, state }) => `${previous}>${state}`)).toEqual([
      'idle>connecting',
      'connecting>connected',
      'connected>reconnecting',
      'reconnecting>disconnected',
      'disconnected>connecting',
    ])
    expect(machine.state).toBe('connecting')
  })

  it('refuses a move from a state it is not in, without reporting anything', () => {
    const changes: ConnectionStateChangedEvent[] = []
    const machine = createStateMachine((event) => changes.push(event))
    expect(machine.move('connecting', 'connected')).toBe(false)
    expect(machine.state).toBe('idle')
    expect(changes).toEqual([])
  })

  it('refuses a move that is not in the table even when the types are bypassed', () => {
    const machine = createStateMachine(() => {})
    const move = machine.move.bind(machine) as (from: string, to: string) => boolean
    expect(move('idle', 'connected')).toBe(false)
    expect(move('idle', 'idle')).toBe(false)
    expect(machine.state).toBe('idle')
  })
})
