import type { Invite, JoinResponse } from '@callport/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSession } from '../src/index'
import { makeToken, rejectionOf, stubAdapter } from './helpers'

const ORIGIN = 'https://app.example.test'

interface Sent {
  url: string
  headers: Headers
  credentials: RequestCredentials | undefined
}

/** Stands in for `fetch`: answers the join and invites endpoints and records what each request carried. */
function serve(): Sent[] {
  const sent: Sent[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      sent.push({ url, headers: new Headers(init.headers), credentials: init.credentials })
      const body = JSON.parse(init.body as string) as { room?: string; to?: string }
      if (url.endsWith('/join')) {
        const token = makeToken({ room: body.room })
        const answer: JoinResponse = { room: { name: token.room, provider: token.provider, providerRoomId: token.providerRoomId }, token }
        return Response.json(answer)
      }
      const invite: Invite = {
        id: 'inv_0123',
        from: 'alice',
        to: body.to ?? 'bob',
        room: body.room ?? 'standup',
        status: 'ringing',
        attempts: 1,
        createdAt: '2030-01-01T08:00:00.000Z',
        expiresAt: '2030-01-01T08:00:30.000Z',
      }
      return Response.json(invite, { status: 201 })
    }),
  )
  return sent
}

afterEach(() => vi.unstubAllGlobals())

describe('token: { url, headers, credentials }', () => {
  it('sends the headers and the credentials mode with the join and the invites requests', async () => {
    const sent = serve()
    const session = createSession({
      adapters: [stubAdapter()],
      token: { url: `${ORIGIN}/calls/join`, headers: { authorization: 'Bearer app-session' }, credentials: 'include' },
    })
    await session.join('standup')
    await session.invite('bob')
    expect(sent.map(({ url }) => url)).toEqual([`${ORIGIN}/calls/join`, `${ORIGIN}/calls/invites`])
    for (const request of sent) {
      expect(request.headers.get('authorization')).toBe('Bearer app-session')
      expect(request.headers.get('content-type')).toBe('application/json')
      expect(request.credentials).toBe('include')
    }
  })

  it('calls a headers function (possibly async) for each request', async () => {
    const sent = serve()
    let counter = 0
    const headers = vi.fn(async () => ({ 'x-csrf-token': `csrf-${++counter}` }))
    const session = createSession({ adapters: [stubAdapter()], token: { url: `${ORIGIN}/calls/join`, headers } })
    await session.join('standup')
    await session.invite('bob')
    expect(sent.map((request) => request.headers.get('x-csrf-token'))).toEqual(['csrf-1', 'csrf-2'])
    expect(sent.map((request) => request.credentials)).toEqual([undefined, undefined])
  })

  it('a headers function that fails fails the join as CONNECTION_FAILED with its error as cause', async () => {
    serve()
    const failure = new Error('no session cookie')
    const session = createSession({ adapters: [stubAdapter()], token: { url: `${ORIGIN}/calls/join`, headers: () => Promise.reject(failure) } })
    expect(await rejectionOf(session.join('standup'))).toMatchObject({ code: 'CONNECTION_FAILED', cause: failure })
  })

  it('refuses unknown keys by name, and a missing url', () => {
    const misspelt = { url: '/calls/join', header: {} } as never
    expect(() => createSession({ adapters: [stubAdapter()], token: misspelt })).toThrowError(/token: unknown option "header".*headers/)
    expect(() => createSession({ adapters: [stubAdapter()], token: { headers: {} } as never })).toThrowError(/`url`/)
  })

  it('keeps a string URL working as before', async () => {
    const sent = serve()
    await createSession({ adapters: [stubAdapter()], token: `${ORIGIN}/calls/join` }).join('standup')
    expect(sent[0]?.headers.get('accept')).toBe('application/json')
    expect(sent[0]?.credentials).toBeUndefined()
  })
})
