import type { ServerAdapter } from '@callport/core'
import { createCallServer } from '@callport/server'
import type { SetupServer } from 'msw/node'

/** Vendor requests the call server sent for joins: the first (the room is made live), then joins of the live room. */
export interface JoinCosts {
  /** The join that makes the room live. */
  first: number
  /** Per join of the live room by someone who has not been in it. */
  newParticipant: number
  /** Per join of the live room by someone who joined it before (a rejoin, a token refresh). */
  returningParticipant: number
}

/**
 * Counts the HTTP requests the vendor fake (msw) receives while a call server joins one room:
 * once to make it live, then `joins` new participants, then each of them again.
 */
export async function countJoinRequests(adapter: ServerAdapter, vendor: SetupServer, joins = 5): Promise<JoinCosts> {
  let requests = 0
  const count = () => {
    requests += 1
  }
  vendor.events.on('request:start', count)
  try {
    const calls = createCallServer({ providers: [adapter], authorize: async () => null })
    const room = 'bench-room'
    const join = (identity: string) => calls.join({ room, participant: { identity, role: 'publisher' } })
    await join('first')
    const first = requests
    requests = 0
    for (let index = 0; index < joins; index += 1) await join(`participant${index}`)
    const newParticipant = requests / joins
    requests = 0
    for (let index = 0; index < joins; index += 1) await join(`participant${index}`)
    return { first, newParticipant, returningParticipant: requests / joins }
  } finally {
    vendor.events.removeListener('request:start', count)
  }
}
