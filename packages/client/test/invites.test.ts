import type { Invite, JoinResponse } from '@callport/core'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createSession } from '../src/index'
import { invitesUrlBeside } from '../src/invites/invite-client'
import { makeToken, recordEvents, rejectionOf, stubAdapter } from './helpers'

const ORIGIN = 'https://app.example.test'
const server = setupServer()

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

function inviteTo(to: string, room: string, status: Invite['status'] = 'ringing'): Invite {
  return { id: 'inv_0123', from: 'alice', to, room, status, attempts: 1, createdAt: '2030-01-01T08:00:00.000Z', expiresAt: '2030-01-01T08:00:30.000Z' }
}

/** Serves the join endpoint and records what reaches the invites endpoints. */
function serve(invitesPath = '/calls/invites') {
  const received: Array<{ path: string; body: unknown }> = []
  server.use(
    http.post(`${ORIGIN}/calls/join`, async ({ request }) => {
      const { room } = (await request.json()) as { room: string }
      const token = makeToken({ room })
      const answer: JoinResponse = { room: { name: room, provider: token.provider, providerRoomId: token.providerRoomId }, token }
      return HttpResponse.json(answer)
    }),
    http.post(`${ORIGIN}${invitesPath}`, async ({ request }) => {
      const body = (await request.json()) as { to: string; room: string }
      received.push({ path: invitesPath, body })
      return HttpResponse.json(inviteTo(body.to, body.room), { status: 201 })
    }),
    http.post(`${ORIGIN}${invitesPath}/:id/:action`, async ({ request, params }) => {
      received.push({ path: `${invitesPath}/${String(params.id)}/${String(params.action)}`, body: await request.json() })
      return HttpResponse.json(inviteTo('alice', 'standup', params.action === 'accept' ? 'accepted' : 'declined'))
    }),
  )
  return received
}

describe('session.invite', () => {
  it('POSTs {to, room} beside the token URL, for the room joined, and emits invite', async () => {
    const received = serve()
    const session = createSession({ adapters: [stubAdapter()], token: `${ORIGIN}/calls/join` })
    const events = recordEvents(session, ['invite'])
    await session.join('standup')
    const invite = await session.invite('bob')
    expect(received).toEqual([{ path: '/calls/invites', body: { to: 'bob', room: 'standup' } }])
    expect(invite).toEqual(inviteTo('bob', 'standup'))
    expect(events).toEqual([['invite', { invite }]])
  })

  it('invites into a named room without joining, and to a configured invites URL', async () => {
    const received = serve('/api/v2/ring')
    const session = createSession({ adapters: [stubAdapter()], token: async ({ room }) => makeToken({ room }), invites: `${ORIGIN}/api/v2/ring` })
    await session.invite('carol', { room: 'retro' })
    expect(received).toEqual([{ path: '/api/v2/ring', body: { to: 'carol', room: 'retro' } }])
  })

  it('refuses without a room to invite to (INVALID_INPUT), and without an invites URL (UNSUPPORTED)', async () => {
    const byUrl = createSession({ adapters: [stubAdapter()], token: `${ORIGIN}/calls/join` })
    expect((await rejectionOf(byUrl.invite('bob'))).code).toBe('INVALID_INPUT')
    const byFunction = createSession({ adapters: [stubAdapter()], token: async ({ room }) => makeToken({ room }) })
    expect((await rejectionOf(byFunction.invite('bob', { room: 'standup' }))).code).toBe('UNSUPPORTED')
  })

  it('a problem answer becomes its CallportError, and an answer that is no invite is INVALID_INPUT; no event either way', async () => {
    const session = createSession({ adapters: [stubAdapter()], token: `${ORIGIN}/calls/join` })
    const events = recordEvents(session, ['invite'])
    const problem = { type: 'about:blank', title: 'Forbidden', status: 403, code: 'FORBIDDEN', detail: 'bob blocked you' }
    server.use(http.post(`${ORIGIN}/calls/invites`, () => HttpResponse.json(problem, { status: 403, headers: { 'content-type': 'application/problem+json' } })))
    expect(await rejectionOf(session.invite('bob', { room: 'standup' }))).toMatchObject({ code: 'FORBIDDEN', message: 'bob blocked you', vendor: { status: 403 } })
    server.use(http.post(`${ORIGIN}/calls/invites`, () => HttpResponse.json({ ...inviteTo('bob', 'standup'), status: 'ringing-loudly' }, { status: 201 })))
    expect((await rejectionOf(session.invite('bob', { room: 'standup' }))).code).toBe('INVALID_INPUT')
    expect(events).toEqual([])
  })
})

describe('session.settleInvite', () => {
  it('POSTs to <invites>/<id>/<action> and emits the settled invite', async () => {
    const received = serve()
    const session = createSession({ adapters: [stubAdapter()], token: `${ORIGIN}/calls/join` })
    const events = recordEvents(session, ['invite'])
    const invite = await session.settleInvite('inv_0123', 'accept')
    expect(received).toEqual([{ path: '/calls/invites/inv_0123/accept', body: {} }])
    expect(invite.status).toBe('accepted')
    expect(events).toEqual([['invite', { invite }]])
  })

  it('a settled invite answers 409: CONFLICT', async () => {
    const session = createSession({ adapters: [stubAdapter()], token: `${ORIGIN}/calls/join` })
    const problem = { type: 'about:blank', title: 'Conflict', status: 409, code: 'CONFLICT', detail: 'The invite is already cancelled' }
    server.use(http.post(`${ORIGIN}/calls/invites/:id/:action`, () => HttpResponse.json(problem, { status: 409, headers: { 'content-type': 'application/problem+json' } })))
    expect((await rejectionOf(session.settleInvite('inv_0123', 'decline'))).code).toBe('CONFLICT')
  })
})

describe('invitesUrlBeside', () => {
  it.each([
    ['/calls/join', '/calls/invites'],
    ['/join', '/invites'],
    ['https://api.example.test/v1/calls/join', 'https://api.example.test/v1/calls/invites'],
    ['/calls/join?tenant=7', '/calls/invites'],
  ])('%s → %s', (join, invites) => {
    expect(invitesUrlBeside(join)).toBe(invites)
  })
})
