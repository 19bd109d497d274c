import { readFileSync } from 'node:fs'
import { CallportError, recoverableDisconnectReasons } from '@callport/core'
import { HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { connectErrorOfCode, disconnectReasonOf, disconnectReasonOfOpenVidu, errorFromOpenViduBrowser, errorOfOpenViduErrorName } from '../src/client/openvidu-reasons'
import { roomOfSessionId, sessionIdOfRoom } from '../src/server/session-id'
import { decodeParticipantData, encodeParticipantData } from '../src/shared/connection-data'
import { useMswServer } from './msw-server'
import { startFakeOpenVidu } from './server-harness'

/** docs/providers/openvidu.md states the mappings; these tests keep the page and the code in step. */

const server = useMswServer()
const page = readFileSync(new URL('../../../docs/providers/openvidu.md', import.meta.url), 'utf8')

/** The rows of the table whose header row starts with `| <first header> |`, as cells without backticks. */
function table(firstHeader: string): string[][] {
  const lines = page.split('\n')
  const start = lines.findIndex((line) => line.startsWith(`| ${firstHeader} |`))
  expect(start, `a table headed "${firstHeader}"`).toBeGreaterThanOrEqual(0)
  const rows: string[][] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim().replaceAll('`', '')),
    )
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

  it('the REST error table is what the adapter does with each answer', async () => {
    const rows = table('OpenVidu answer')
    const answer = (status: number) => () => HttpResponse.json({ message: 'why' }, { status })
    /** Each row of the table, produced for real: the adapter against the fake OpenVidu, answering as the row says. */
    const produce: Record<string, () => Promise<unknown>> = {
      '400': async () => {
        const { fake, adapter } = startFakeOpenVidu(server, { retry: { limit: 0 } })
        const room = await adapter.ensureRoom({ name: 'standup' })
        fake.script('POST', '/openvidu/api/sessions/standup/connection', answer(400))
        return adapter.issueToken({ room, participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 600 })
      },
      "400 to DELETE /sessions/{id}/connection/{connectionId} (OpenVidu's answer for an unknown session there)": async () => {
        const { fake, adapter } = startFakeOpenVidu(server, { retry: { limit: 0 } })
        const room = await adapter.ensureRoom({ name: 'standup' })
        await adapter.issueToken({ room, participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 600 })
        for (const id of fake.sessions.get('standup')!.connections.keys()) fake.script('DELETE', `/openvidu/api/sessions/standup/connection/${id}`, answer(400))
        return adapter.removeParticipant!({ room, identity: 'alice' })
      },
      "400 to DELETE /sessions/{id} (OpenVidu waited 15 s for the session's closing lock in vain: it is being created or closed), after the retries": async () => {
        const { fake, adapter } = startFakeOpenVidu(server, { retry: { limit: 0 } })
        const room = await adapter.ensureRoom({ name: 'standup' })
        fake.script('DELETE', '/openvidu/api/sessions/standup', answer(400))
        return adapter.closeRoom!({ room })
      },
      '401 (the message names the secret, OPENVIDU_SECRET, as the likely cause)': async () =>
        startFakeOpenVidu(server, { secret: 'wrong', retry: { limit: 0 } }).adapter.ensureRoom({ name: 'standup' }),
      '404 about a session': async () => {
        const { adapter } = startFakeOpenVidu(server, { retry: { limit: 0 } })
        // listParticipants takes a gone session as an empty room; removing someone from it is ROOM_NOT_FOUND.
        return adapter.removeParticipant!({ room: { name: 'gone', provider: 'openvidu', providerRoomId: 'gone' }, identity: 'alice' })
      },
      "404 about a connection (none of the identity's connections was there to remove)": async () => {
        const { fake, adapter } = startFakeOpenVidu(server, { retry: { limit: 0 } })
        const room = await adapter.ensureRoom({ name: 'standup' })
        await adapter.issueToken({ room, participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 600 })
        for (const id of fake.sessions.get('standup')!.connections.keys()) fake.script('DELETE', `/openvidu/api/sessions/standup/connection/${id}`, answer(404))
        return adapter.removeParticipant!({ room, identity: 'alice' })
      },
      '429, after the retries': async () => {
        const { fake, adapter } = startFakeOpenVidu(server, { retry: { limit: 0 } })
        fake.script('GET', '/openvidu/api/sessions/standup', answer(429))
        return adapter.getRoom!({ name: 'standup' })
      },
      'other 4xx': async () => {
        const { fake, adapter } = startFakeOpenVidu(server, { retry: { limit: 0 } })
        fake.script('GET', '/openvidu/api/sessions/standup', answer(403))
        return adapter.getRoom!({ name: 'standup' })
      },
      '5xx, after the retries': async () => {
        const { fake, adapter } = startFakeOpenVidu(server, { retry: { limit: 0 } })
        fake.script('GET', '/openvidu/api/sessions/standup', answer(503))
        return adapter.getRoom!({ name: 'standup' })
      },
    }
    // The rows about an HTTP status; the others (timeouts, bodies, aborts) are the adapter tests'.
    const statusRows = rows.filter(([answered]) => /^(\d|other 4xx)/.test(answered ?? ''))
    expect(statusRows.map(([answered]) => answered).sort()).toEqual(Object.keys(produce).sort())
    for (const [answered, code, retryable] of statusRows) {
      const error = await produce[answered!]!().then(
        () => undefined,
        (failure: unknown) => failure,
      )
      if (!CallportError.isInstance(error)) throw new Error(`"${answered}" gave no CallportError`)
      expect({ answered, code: error.code, retryable: error.retryable ? 'yes' : 'no', provider: error.provider }).toEqual({ answered, code, retryable, provider: 'openvidu' })
      // OpenVidu's own message ends the error's message; a 401 names the secret.
      if (answered!.startsWith('401')) expect(error.message).toContain('OPENVIDU_SECRET')
      else if (!answered!.startsWith('404')) expect(error.message).toContain(': why')
    }
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
