import { readFileSync } from 'node:fs'
import { recoverableDisconnectReasons } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { connectErrorOfCode, disconnectReasonOf, disconnectReasonOfOpenVidu, errorFromOpenViduBrowser, errorOfOpenViduErrorName } from '../src/client/openvidu-reasons'
import { errorFromOpenViduResponse } from '../src/server/openvidu-errors'
import { roomOfSessionId, sessionIdOfRoom } from '../src/server/session-id'
import { decodeParticipantData, encodeParticipantData } from '../src/shared/connection-data'

/** docs/providers/openvidu.md states the mappings; these tests keep the page and the code in step. */

const page = readFileSync(new URL('../../../docs/providers/openvidu.md', import.meta.url), 'utf8')

/** The rows of the table whose header row starts with `| <first header> |`, as cells without backticks. */
function table(firstHeader: string): string[][] {
  const lines = page.split('\n')
  const start = lines.findIndex((line) => line.startsWith(`| ${firstHeader} |`))
  expect(start, `a table headed "${firstHeader}"`).toBeGreaterThanOrEqual(0)
  const rows: string[][] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    rows.push(line.slice(1, -1).split('|').map((cell) => cell.trim().replaceAll('`', '')))
  }
  return rows
}

describe('docs/providers/openvidu.md', () => {
  it('"Why a call ended" lists every sessionDisconnected reason with its Callport reason and what the session does', () => {
    const rows = table('`sessionDisconnected` reason')
    const named = rows.filter(([reason]) => reason !== 'any other reason')
    expect(named.map(([reason]) => reason).sort()).toEqual(Object.keys(disconnectReasonOfOpenVidu).sort())
    for (const [reason, callport, session] of rows) {
      const mapped = disconnectReasonOf(reason === 'any other reason' ? 'mediaServerDisconnect' : reason)
      const then = recoverableDisconnectReasons.has(mapped) ? 'reconnects with a fresh token' : 'stays disconnected'
      expect({ reason, callport: mapped, session: then }).toEqual({ reason, callport, session })
    }
  })

  it('the JSON-RPC table is the connect error mapping', () => {
    const rows = table('JSON-RPC code')
    expect(rows.map(([code]) => Number(code)).sort()).toEqual(Object.keys(connectErrorOfCode).map(Number).sort())
    for (const [code, callport, retryable] of rows) {
      const error = errorFromOpenViduBrowser({ code: Number(code), message: 'x' }, 'fallback')
      expect({ code, callport: error.code, retryable: error.retryable ? 'yes' : 'no' }).toEqual({ code, callport, retryable })
    }
  })

  it('the OpenViduError table is the browser error mapping', () => {
    const rows = table('`OpenViduError` name')
    expect(rows.map(([name]) => name).sort()).toEqual(Object.keys(errorOfOpenViduErrorName).sort())
    for (const [name, callport, retryable] of rows) {
      const error = errorFromOpenViduBrowser({ name, message: 'x' }, 'fallback')
      expect({ name, callport: error.code, retryable: error.retryable ? 'yes' : 'no' }).toEqual({ name, callport, retryable })
    }
    expect(errorFromOpenViduBrowser(new Error('Token not valid: "abc"'), 'x').code).toBe('UNAUTHORIZED')
    expect(errorFromOpenViduBrowser(new Error('something else'), 'x')).toMatchObject({ code: 'CONNECTION_FAILED', retryable: false })
  })

  it('the REST error table is the server error mapping', () => {
    const rows = Object.fromEntries(table('OpenVidu answer').map(([answer, code, retryable]) => [answer, { code, retryable }]))
    const check = (answer: string, status: number, request: Parameters<typeof errorFromOpenViduResponse>[2]) => {
      const error = errorFromOpenViduResponse(status, { message: 'why' }, request)
      expect({ answer, code: error.code, retryable: error.retryable ? 'yes' : 'no' }).toEqual({ answer, ...rows[answer] })
      expect(error.vendor).toEqual({ status, body: { message: 'why' } })
    }
    const session = { operation: 'x', missing: 'room' } as const
    check('400', 400, session)
    check('400 to DELETE /sessions/{id}/connection/{connectionId} (OpenVidu\'s answer for an unknown session there)', 400, {
      operation: 'x',
      missing: 'participant',
      badRequestMeansNoSession: true,
    })
    check('401 (the message names the secret, OPENVIDU_SECRET, as the likely cause)', 401, session)
    check('404 about a session', 404, session)
    check('404 about a connection', 404, { operation: 'x', missing: 'participant' })
    check('other 4xx', 409, session)
    check('5xx, after the retries', 503, session)
    expect(errorFromOpenViduResponse(401, undefined, session).message).toContain('OPENVIDU_SECRET')
  })

  it('the session id examples are what the mapping gives', () => {
    const rows = table('example')
    expect(rows.length).toBeGreaterThanOrEqual(5)
    for (const [name, id] of rows) {
      expect(sessionIdOfRoom(name!)).toBe(id)
      expect(roomOfSessionId(id!)).toBe(name)
    }
  })

  it('the participant data example is the format', () => {
    const example = /```json\n(.+)\n```/.exec(page)?.[1] ?? ''
    const decoded = decodeParticipantData(example)
    expect(decoded).toEqual({ identity: 'alice', name: 'Alice', role: 'publisher', metadata: { team: 'blue' } })
    expect(encodeParticipantData(decoded!)).toBe(example)
  })
})
