import { CallportError, millisecondsUntilExpiry, type DisconnectReason, type ErrorCode, type Token } from '@callport/core'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import type { VidyoConnectorDisconnectReason, VidyoConnectorFailReason } from './vidyo-client-types'

/**
 * The one place where VidyoConnector's reasons become Callport's: `onFailure` reasons become errors
 * thrown by `connect`, `onDisconnected` reasons become `disconnected` events. The tables in
 * docs/providers/vidyo.md are checked against these by the tests.
 */

export interface FailureOutcome {
  code: ErrorCode
  retryable: boolean
}

const transient = (code: ErrorCode): FailureOutcome => ({ code, retryable: true })
const final = (code: ErrorCode): FailureOutcome => ({ code, retryable: false })

/** `onFailure(reason)` → the error `connect` rejects with. `InvalidToken` depends on the token's expiry. */
export const failureOutcomes: Readonly<Record<Exclude<VidyoConnectorFailReason, 'VIDYO_CONNECTORFAILREASON_InvalidToken'>, FailureOutcome>> = {
  VIDYO_CONNECTORFAILREASON_ConnectionFailed: transient('CONNECTION_FAILED'),
  VIDYO_CONNECTORFAILREASON_ConnectionLost: transient('CONNECTION_FAILED'),
  VIDYO_CONNECTORFAILREASON_ConnectionTimeout: transient('CONNECTION_FAILED'),
  VIDYO_CONNECTORFAILREASON_NoResponse: transient('CONNECTION_FAILED'),
  VIDYO_CONNECTORFAILREASON_Terminated: transient('CONNECTION_FAILED'),
  VIDYO_CONNECTORFAILREASON_LostEventServer: transient('CONNECTION_FAILED'),
  VIDYO_CONNECTORFAILREASON_MediaFailed: transient('CONNECTION_FAILED'),
  VIDYO_CONNECTORFAILREASON_MiscError: transient('CONNECTION_FAILED'),
  VIDYO_CONNECTORFAILREASON_UnableToCreateResource: transient('PROVIDER_UNAVAILABLE'),
  VIDYO_CONNECTORFAILREASON_NoResponseFromResource: transient('PROVIDER_UNAVAILABLE'),
  VIDYO_CONNECTORFAILREASON_MiscRemoteError: transient('PROVIDER_UNAVAILABLE'),
  VIDYO_CONNECTORFAILREASON_ResourceFull: transient('PROVIDER_REJECTED'),
  VIDYO_CONNECTORFAILREASON_InvalidResourceId: final('INVALID_INPUT'),
  VIDYO_CONNECTORFAILREASON_NotMember: final('FORBIDDEN'),
  VIDYO_CONNECTORFAILREASON_Banned: final('FORBIDDEN'),
  VIDYO_CONNECTORFAILREASON_RoomLocked: final('FORBIDDEN'),
  VIDYO_CONNECTORFAILREASON_MediaNotEnabled: final('UNSUPPORTED'),
  VIDYO_CONNECTORFAILREASON_MiscLocalError: final('INTERNAL'),
}

/** Any reason this table does not know. */
export const unknownFailureOutcome: FailureOutcome = transient('CONNECTION_FAILED')

function lookUp<Outcome>(table: Readonly<Record<string, Outcome>>, reason: unknown, otherwise: Outcome): Outcome {
  return typeof reason === 'string' && Object.hasOwn(table, reason) ? (table[reason] ?? otherwise) : otherwise
}

/** The error `connect` rejects with for `onFailure(reason)`. */
export function errorOfFailReason(reason: unknown, token: Pick<Token, 'expiresAt'>, now: number = Date.now()): CallportError {
  const details = { vidyoReason: reason }
  if (reason === 'VIDYO_CONNECTORFAILREASON_InvalidToken') {
    return millisecondsUntilExpiry(token, now) <= 0
      ? new CallportError('TOKEN_EXPIRED', 'Vidyo refused the token: it has expired', { provider: VIDYO_PROVIDER, details })
      : new CallportError('UNAUTHORIZED', 'Vidyo refused the token', { provider: VIDYO_PROVIDER, details })
  }
  const outcome = lookUp<FailureOutcome>(failureOutcomes, reason, unknownFailureOutcome)
  return new CallportError(outcome.code, `Vidyo could not connect: ${String(reason)}`, {
    provider: VIDYO_PROVIDER,
    retryable: outcome.retryable,
    details,
  })
}

export interface DisconnectOutcome {
  reason: DisconnectReason
  /** Code of the error put on the event; none for a disconnection the app asked for. */
  code: ErrorCode | undefined
}

/** `onDisconnected(reason)` → the `disconnected` event. */
export const disconnectOutcomes: Readonly<Record<VidyoConnectorDisconnectReason, DisconnectOutcome>> = {
  VIDYO_CONNECTORDISCONNECTREASON_Disconnected: { reason: 'client-initiated', code: undefined },
  VIDYO_CONNECTORDISCONNECTREASON_ConnectionLost: { reason: 'connection-lost', code: 'CONNECTION_FAILED' },
  VIDYO_CONNECTORDISCONNECTREASON_ConnectionTimeout: { reason: 'connection-lost', code: 'CONNECTION_FAILED' },
  VIDYO_CONNECTORDISCONNECTREASON_NoResponse: { reason: 'connection-lost', code: 'CONNECTION_FAILED' },
  VIDYO_CONNECTORDISCONNECTREASON_Terminated: { reason: 'server-shutdown', code: 'PROVIDER_UNAVAILABLE' },
  VIDYO_CONNECTORDISCONNECTREASON_Booted: { reason: 'removed', code: 'FORBIDDEN' },
  VIDYO_CONNECTORDISCONNECTREASON_MiscLocalError: { reason: 'unknown', code: 'INTERNAL' },
  VIDYO_CONNECTORDISCONNECTREASON_MiscRemoteError: { reason: 'unknown', code: 'PROVIDER_UNAVAILABLE' },
  VIDYO_CONNECTORDISCONNECTREASON_MiscError: { reason: 'unknown', code: 'CONNECTION_FAILED' },
}

export const unknownDisconnectOutcome: DisconnectOutcome = { reason: 'unknown', code: 'CONNECTION_FAILED' }

/** The Callport reason, and error if any, of `onDisconnected(reason)`. */
export function disconnectionOf(reason: unknown): { reason: DisconnectReason; error?: CallportError } {
  const outcome = lookUp<DisconnectOutcome>(disconnectOutcomes, reason, unknownDisconnectOutcome)
  if (outcome.code === undefined) return { reason: outcome.reason }
  return {
    reason: outcome.reason,
    error: new CallportError(outcome.code, `Vidyo ended the call: ${String(reason)}`, { provider: VIDYO_PROVIDER, details: { vidyoReason: reason } }),
  }
}
