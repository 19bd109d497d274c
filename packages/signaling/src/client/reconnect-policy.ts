import { CallportError, millisecondsUntilExpiry, type Token } from '@callport/core'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

/** Delay before each attempt to bring a dropped socket back: 0, 250, 500, 1000, 2000, 2000… ms. */
export function reconnectDelay(attempt: number): number {
  return attempt <= 1 ? 0 : Math.min(2000, 250 * 2 ** (attempt - 2))
}

/** Resolves after `milliseconds`, or at once when `signal` fires. */
export function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  if (milliseconds <= 0 || signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(done, milliseconds)
    signal.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}

/**
 * The token to reconnect with: the current one, or a fresh one from `refreshToken` when the current
 * one expires within `marginSeconds` or the server just refused it. A fresh token for another
 * provider, room or identity cannot serve this connection (the session starts over instead).
 */
export async function tokenForReconnection(current: Token, lastError: CallportError, refreshToken: () => Promise<Token>, marginSeconds: number): Promise<Token> {
  const refused = lastError.code === 'UNAUTHORIZED' || lastError.code === 'TOKEN_EXPIRED'
  if (!refused && millisecondsUntilExpiry(current) > marginSeconds * 1000) return current
  const token = await refreshToken()
  if (token.provider !== SIGNALING_PROVIDER || token.room !== current.room || token.identity !== current.identity) {
    throw new CallportError('CONNECTION_FAILED', `The fresh token is for ${token.provider} room ${JSON.stringify(token.room)}, not this connection`, {
      provider: SIGNALING_PROVIDER,
      retryable: false,
    })
  }
  return token
}
