import { readFileSync } from 'node:fs'
import { recoverableDisconnectReasons } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { disconnectionOf, disconnectOutcomes, errorOfFailReason, failureOutcomes } from '../src/client/vidyo-reasons'

const documentation = readFileSync(new URL('../../../docs/providers/vidyo.md', import.meta.url), 'utf8')

/** Rows of the markdown table whose first cell starts with `prefix`, as cells without backticks. */
function rows(prefix: string): string[][] {
  return documentation
    .split('\n')
    .filter((line) => line.startsWith(`| \`${prefix}`) || line.startsWith('| any other reason'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim().replaceAll('`', '')),
    )
}

const failRows = rows('VIDYO_CONNECTORFAILREASON_').filter((row) => row.length === 3)
const disconnectRows = rows('VIDYO_CONNECTORDISCONNECTREASON_').filter((row) => row.length === 4)
const validToken = { expiresAt: new Date(Date.now() + 60_000).toISOString() }
const expiredToken = { expiresAt: new Date(Date.now() - 1000).toISOString() }

describe('docs/providers/vidyo.md reason tables', () => {
  it('list every onFailure reason the mapping knows, with its code and retryability', () => {
    const documented = failRows.filter(([reason]) => reason !== 'any other reason' && reason !== 'VIDYO_CONNECTORFAILREASON_InvalidToken')
    expect(documented.map(([reason]) => reason).sort()).toEqual(Object.keys(failureOutcomes).sort())
    for (const [reason, code, retryable] of [...documented, ...failRows.filter(([reason]) => reason === 'any other reason')]) {
      const vendorReason = reason === 'any other reason' ? 'VIDYO_CONNECTORFAILREASON_SomethingNew' : reason
      const error = errorOfFailReason(vendorReason, validToken)
      expect({ reason, code: error.code, retryable: error.retryable ? 'yes' : 'no' }).toEqual({ reason, code, retryable })
      expect(error.details).toEqual({ vidyoReason: vendorReason })
    }
  })

  it('describe InvalidToken as TOKEN_EXPIRED after expiry and UNAUTHORIZED before', () => {
    const [row] = failRows.filter(([reason]) => reason === 'VIDYO_CONNECTORFAILREASON_InvalidToken')
    expect(row?.[1]).toMatch(/TOKEN_EXPIRED.*expiresAt.*UNAUTHORIZED/)
    expect(errorOfFailReason('VIDYO_CONNECTORFAILREASON_InvalidToken', expiredToken).code).toBe('TOKEN_EXPIRED')
    expect(errorOfFailReason('VIDYO_CONNECTORFAILREASON_InvalidToken', validToken).code).toBe('UNAUTHORIZED')
  })

  it('list every onDisconnected reason with its Callport reason, error and what the session does', () => {
    const documented = disconnectRows.filter(([reason]) => reason !== 'any other reason')
    expect(documented.map(([reason]) => reason).sort()).toEqual(Object.keys(disconnectOutcomes).sort())
    for (const [reason, callportReason, code, session] of disconnectRows) {
      const outcome = disconnectionOf(reason === 'any other reason' ? 'VIDYO_CONNECTORDISCONNECTREASON_SomethingNew' : reason)
      const recovers = recoverableDisconnectReasons.has(outcome.reason)
      expect({ reason, callportReason: outcome.reason, code: outcome.error?.code ?? '—', session: recovers ? 'reconnects with a fresh token' : 'stays disconnected' }).toEqual(
        {
          reason,
          callportReason,
          code,
          session,
        },
      )
    }
  })

  it('ignore names inherited from Object.prototype', () => {
    expect(errorOfFailReason('toString', validToken).code).toBe('CONNECTION_FAILED')
    expect(disconnectionOf('constructor').reason).toBe('unknown')
  })
})
