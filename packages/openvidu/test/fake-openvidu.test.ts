import { describe, expect, it } from 'vitest'
import { createFakeOpenVidu } from './fake-openvidu'
import { useMswServer } from './msw-server'

/** The fake answers as OpenVidu documents, so tests against it mean something. */

const server = useMswServer()
const fresh = () => {
  const fake = createFakeOpenVidu()
  server.resetHandlers(...fake.handlers)
  return fake
}
const api = 'https://openvidu.example.com/openvidu/api'
const auth = { authorization: 'Basic T1BFTlZJRFVBUFA6TVlfU0VDUkVU' }
const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) =>
  fetch(`${api}${path}`, { method, headers: { ...headers, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })

describe('the fake OpenVidu REST API', () => {
  it('answers 401 without the Authorization header or with a wrong secret', async () => {
    fresh()
    expect((await call('POST', '/sessions', {}, {})).status).toBe(401)
    expect((await call('POST', '/sessions', {}, { authorization: 'Basic T1BFTlZJRFVBUFA6d3Jvbmc=' })).status).toBe(401)
  })

  it("creates sessions with ids in OpenVidu's format, and answers 409 with an EMPTY body for an existing customSessionId", async () => {
    fresh()
    const generated = (await (await call('POST', '/sessions')).json()) as { id: string; customSessionId: string }
    expect(generated.id).toMatch(/^ses_[A-Z][A-Za-z0-9]{9}$/)
    expect(generated.customSessionId).toBe('')
    expect((await call('POST', '/sessions', { customSessionId: 'standup' })).status).toBe(200)
    const conflict = await call('POST', '/sessions', { customSessionId: 'standup' })
    expect(conflict.status).toBe(409)
    expect(await conflict.text()).toBe('')
  })

  it("answers 400 with OpenVidu's error JSON for a customSessionId outside [a-zA-Z0-9_-]", async () => {
    fresh()
    const response = await call('POST', '/sessions', { customSessionId: 'daily.sync' })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ status: 400, error: 'Bad Request', message: expect.stringContaining('customSessionId'), path: '/openvidu/api/sessions' })
  })

  it('creates pending connections with con_ ids and wss:// tokens; 404 with an EMPTY body for an unknown session', async () => {
    fresh()
    await call('POST', '/sessions', { customSessionId: 'standup' })
    const connection = (await (await call('POST', '/sessions/standup/connection', { type: 'WEBRTC', role: 'SUBSCRIBER', data: 'x' })).json()) as Record<string, unknown>
    expect(connection).toMatchObject({ object: 'connection', status: 'pending', sessionId: 'standup', role: 'SUBSCRIBER', serverData: 'x', activeAt: null, clientData: null })
    expect(connection.id).toMatch(/^con_[A-Z][A-Za-z0-9]{9}$/)
    expect(connection.token).toMatch(/^wss:\/\/openvidu\.example\.com\?sessionId=standup&token=tok_[A-Z][A-Za-z0-9]{15}$/)
    const missing = await call('POST', '/sessions/nowhere/connection', {})
    expect([missing.status, await missing.text()]).toEqual([404, ''])
  })

  it('lists pending connections by default on /connection, active ones only in the session JSON', async () => {
    const fake = fresh()
    await call('POST', '/sessions', { customSessionId: 'standup' })
    const first = (await (await call('POST', '/sessions/standup/connection', {})).json()) as { id: string }
    await call('POST', '/sessions/standup/connection', {})
    fake.activate('standup', first.id)
    expect(((await (await call('GET', '/sessions/standup/connection')).json()) as { numberOfElements: number }).numberOfElements).toBe(2)
    const session = (await (await call('GET', '/sessions/standup')).json()) as { connections: { content: { id: string; status: string }[] } }
    expect(session.connections.content.map(({ id, status }) => [id, status])).toEqual([[first.id, 'active']])
  })

  it('DELETE: 204 with an empty body; 404 for an unknown connection; 400 (EMPTY, as closeConnection answers) for an unknown session', async () => {
    fresh()
    await call('POST', '/sessions', { customSessionId: 'standup' })
    const { id } = (await (await call('POST', '/sessions/standup/connection', {})).json()) as { id: string }
    const deleted = await call('DELETE', `/sessions/standup/connection/${id}`)
    expect([deleted.status, await deleted.text()]).toEqual([204, ''])
    expect((await call('DELETE', `/sessions/standup/connection/${id}`)).status).toBe(404)
    expect((await call('DELETE', '/sessions/standup')).status).toBe(204)
    expect((await call('DELETE', '/sessions/standup')).status).toBe(404)
    const unknownSession = await call('DELETE', `/sessions/standup/connection/${id}`)
    expect(unknownSession.status).toBe(400)
    // SessionRestController.closeConnection (2.32.2): `new ResponseEntity<>(HttpStatus.BAD_REQUEST)`, no body.
    expect(await unknownSession.text()).toBe('')
  })
})
