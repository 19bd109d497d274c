import { describe, it } from 'vitest'
import { createStateMachine } from './state-machine'

describe('StateMachine types', () => {
  it('accepts only moves from the transition table', () => {
    const machine = createStateMachine(() => {})
    machine.move('idle', 'connecting')
    machine.move('reconnecting', 'connected')
    // @ts-expect-error idle cannot jump to connected
    machine.move('idle', 'connected')
    // @ts-expect-error a disconnected session reconnects only through a new join (connecting)
    machine.move('disconnected', 'reconnecting')
    // @ts-expect-error not a state
    machine.move('connected', 'paused')
  })
})
