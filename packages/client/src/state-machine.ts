import type { ConnectionState, ConnectionStateChangedEvent } from '@callport/core'

/** The only moves a session's state can make. */
const transitions = {
  idle: ['connecting'],
  connecting: ['connected', 'disconnected'],
  connected: ['reconnecting', 'disconnected'],
  reconnecting: ['connected', 'disconnected'],
  disconnected: ['connecting'],
} as const satisfies Record<ConnectionState, readonly ConnectionState[]>

/** States reachable in one move from `From`. */
export type NextState<From extends ConnectionState> = (typeof transitions)[From][number]

/**
 * The session's connection state. A move names the state it starts from, so a stale async step
 * (a connect that finishes after `leave()`) cannot move the state: the move is refused. Moves that are
 * not in the table do not type-check, and are refused at run time as well.
 */
export interface StateMachine {
  readonly state: ConnectionState
  /** Moves to `to` if the state is `from` now; true when it moved. */
  move<From extends ConnectionState>(from: From, to: NextState<From>): boolean
}

/** A state machine starting `idle`, reporting every move to `onChange`. */
export function createStateMachine(onChange: (event: ConnectionStateChangedEvent) => void): StateMachine {
  let state: ConnectionState = 'idle'
  return {
    get state() {
      return state
    },
    move(from, to) {
      const previous = state
      if (previous !== from || !(transitions[from] as readonly ConnectionState[]).includes(to)) return false
      state = to
      onChange({ state: to, previous })
      return true
    },
  }
}
