import type { CallEngine } from './call-engine'
import type { InviteService } from './invites/invite-service'
import type { RateLimiter } from './rate-limit'

/** The engine, with every join and every token issued counted against the `joins` limit of the participant. */
export function rateLimitedEngine(engine: CallEngine, limiter: RateLimiter): CallEngine {
  return {
    ...engine,
    async join(name, participant, signal) {
      await limiter.check('joins', participant.identity, { room: name, identity: participant.identity })
      return engine.join(name, participant, signal)
    },
    async issueToken(live, participant, options) {
      await limiter.check('joins', participant.identity, { room: live.room.name, identity: participant.identity, provider: live.room.provider })
      return engine.issueToken(live, participant, options)
    },
  }
}

/**
 * The invites, with every invite created counted against its caller (`invites`), then its callee
 * (`invitesPerCallee`) and its room (`invitesPerRoom`): a caller over its own limit uses up nobody
 * else's.
 */
export function rateLimitedInvites(invites: InviteService, limiter: RateLimiter): InviteService {
  return {
    ...invites,
    async create(request) {
      const context = { room: request.room, identity: request.from, callee: request.to }
      await limiter.check('invites', request.from, context)
      await limiter.check('invitesPerCallee', request.to, context)
      await limiter.check('invitesPerRoom', request.room, context)
      return invites.create(request)
    },
  }
}
