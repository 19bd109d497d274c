import type { CallEngine } from '../call-engine'
import type { InviteService } from './invite-service'

/**
 * The engine, with every join and every token issued for a room counting as the answer of the
 * invites that ring that participant there (through `POST /join`, `POST /rooms/:room/tokens`,
 * `calls.join` and `calls.issueToken`).
 */
export function answeringInvites(engine: CallEngine, invites: InviteService): CallEngine {
  return {
    ...engine,
    async join(name, participant, signal) {
      const joined = await engine.join(name, participant, signal)
      await invites.answeredBy(name, participant.identity)
      return joined
    },
    async issueToken(live, participant, options) {
      const issued = await engine.issueToken(live, participant, options)
      await invites.answeredBy(live.room.name, participant.identity)
      return issued
    },
  }
}
