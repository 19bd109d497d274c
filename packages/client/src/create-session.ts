import { CallportError, specificationVersion } from '@callport/core'
import { createInviteClient, invitesUrlBeside } from './invites/invite-client'
import { reconnectSettings, refuseUnknownOptions, sessionOptionNames, type SessionOptions } from './options'
import { createCallSession, type Session } from './session'
import { createTokenSource, tokenUrlOf } from './token-source'

/**
 * Creates a session that joins rooms on any configured provider: it fetches tokens from `token`,
 * picks the adapter the token's `provider` names, refreshes the token before it expires and
 * reconnects after recoverable drops. Unknown options (a misspelt name) are refused with INVALID_INPUT.
 *
 * @example
 * const session = createSession({ adapters: [signaling()], token: '/calls/join' })
 * session.on('participant-joined', ({ participant }) => console.log(participant.identity))
 * await session.join('standup', { audio: true, video: true })
 */
export function createSession(options: SessionOptions): Session {
  refuseUnknownOptions(options, sessionOptionNames, 'createSession')
  const { adapters, token } = options
  if (!Array.isArray(adapters) || adapters.length === 0) {
    throw new CallportError('INVALID_INPUT', 'createSession needs at least one client adapter in `adapters`')
  }
  const outdated = adapters.find((adapter) => adapter.specificationVersion !== specificationVersion)
  if (outdated) {
    throw new CallportError('INVALID_INPUT', `The ${outdated.provider} adapter implements specification ${outdated.specificationVersion}, not ${specificationVersion}`)
  }
  if (typeof token !== 'string' && typeof token !== 'function' && (typeof token !== 'object' || token === null)) {
    throw new CallportError('INVALID_INPUT', 'createSession needs `token`: a join URL, { url, headers, credentials } or a token function')
  }
  const endpoint = tokenUrlOf(token)
  return createCallSession({
    adapters,
    tokens: createTokenSource(token),
    refreshLeadSeconds: options.refreshLeadSeconds,
    reconnect: reconnectSettings(options.reconnect),
    invites: createInviteClient(options.invites ?? (endpoint ? invitesUrlBeside(endpoint.url) : undefined), endpoint),
  })
}
