import { CallportError, InviteSchema, ProblemSchema, type Invite, type WebhookEvent } from '@callport/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createCallServer, createMemoryInviteStore, SETTLED_INVITE_RETENTION_MILLISECONDS, type InviteNotification, type InvitesOptions } from '../src/index'
import { stubAdapter } from './stub-adapter'

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-11-21T12:00:00.000Z') })
})
afterEach(() => {
  vi.useRealTimers()
})

/** A call server whose notifier records every notification with the fake clock's time (ms since start). */
function ringing(options: Partial<InvitesOptions> = {}, notify?: (notification: InviteNotification) => Promise<void>) {
  const start = Date.now()
  const notifications: Array<{ at: number; kind: string; attempt: number; status: string }> = []
  const errors: unknown[] = []
  const changes: Invite[] = []
  const webhookEvents: WebhookEvent[] = []
  const adapter = stubAdapter('stub', {
    webhook: { verify: () => true, parse: (request) => [JSON.parse(request.body) as WebhookEvent] },
  })
  const calls = createCallServer({
    providers: [adapter],
    authorize: async (request) => {
      const user = request.headers.get('x-user')
      return user ? { identity: user } : null
    },
    onError: (error) => errors.push(error),
    invites: {
      ...options,
      notify: async (notification) => {
        notifications.push({ at: Date.now() - start, kind: notification.kind, attempt: notification.attempt, status: notification.invite.status })
        await notify?.(notification)
      },
    },
  })
  calls.on('invite', ({ invite }) => changes.push(invite))
  calls.on('webhook', (event) => webhookEvents.push(event))
  return { calls, notifications, errors, changes, webhookEvents }
}

const failure = async (promise: Promise<unknown>): Promise<CallportError> => {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  if (!CallportError.isInstance(error)) throw new Error(`expected a CallportError, got ${String(error)}`)
  return error
}

describe('the ring policy', () => {
  it('rings 3 times within 30 s by default (0, 10, 20 s), then sends exactly one missed at 30 s', async () => {
    const { calls, notifications, changes } = ringing()
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    expect(InviteSchema.parse(invite)).toMatchObject({ from: 'alice', to: 'bob', room: 'standup', status: 'ringing', attempts: 1 })
    expect(invite.expiresAt).toBe('2026-11-21T12:00:30.000Z')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(notifications).toEqual([
      { at: 0, kind: 'ring', attempt: 1, status: 'ringing' },
      { at: 10_000, kind: 'ring', attempt: 2, status: 'ringing' },
      { at: 20_000, kind: 'ring', attempt: 3, status: 'ringing' },
      { at: 30_000, kind: 'missed', attempt: 3, status: 'missed' },
    ])
    const missed = await calls.getInvite({ id: invite.id, identity: 'bob' })
    expect(missed).toMatchObject({ status: 'missed', attempts: 3, settledAt: '2026-11-21T12:00:30.000Z' })
    expect(changes.map((change) => `${change.status}/${change.attempts}`)).toEqual(['ringing/0', 'ringing/1', 'ringing/2', 'ringing/3', 'missed/3'])
  })

  it('spreads the configured attempts over the configured window', async () => {
    const { calls, notifications } = ringing({ attempts: 4, withinSeconds: 8 })
    await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await vi.advanceTimersByTimeAsync(20_000)
    expect(notifications.map(({ at, kind }) => `${kind}@${at}`)).toEqual(['ring@0', 'ring@2000', 'ring@4000', 'ring@6000', 'missed@8000'])
  })

  it('a single attempt rings once and misses at the end of the window', async () => {
    const { calls, notifications } = ringing({ attempts: 1, withinSeconds: 5 })
    await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(notifications.map(({ at, kind }) => `${kind}@${at}`)).toEqual(['ring@0', 'missed@5000'])
  })

  it.each([
    [{ attempts: 0 }, /invites\.attempts/],
    [{ attempts: 1.5 }, /invites\.attempts/],
    [{ withinSeconds: 0 }, /invites\.withinSeconds/],
    [{ notify: undefined }, /invites\.notify/],
  ])('refuses %o at construction', (options, message) => {
    const create = () => createCallServer({ providers: [stubAdapter('stub')], authorize: async () => null, invites: { notify: async () => {}, ...options } as InvitesOptions })
    expect(create).toThrow(message)
  })

  it.each([
    [null, /invites\.store must be an invite store: an object with the methods add, get, setAttempts, settle, ringing; got null/],
    ['redis://127.0.0.1', /invites\.store must be an invite store.*; got string/],
    [{ get: async () => undefined, add: async () => {} }, /invites\.store must be an invite store.*; missing: setAttempts, settle, ringing$/],
  ])('refuses the store %o at construction', (store, message) => {
    const create = () => createCallServer({ providers: [stubAdapter('stub')], authorize: async () => null, invites: { notify: async () => {}, store: store as never } })
    expect(create).toThrow(message)
  })
})

describe('call servers sharing an invite store', () => {
  /** Servers A and B, in one process, sharing `store`; what each notifies and emits is kept apart. */
  function pair() {
    const store = createMemoryInviteStore()
    const [a, b] = ['a', 'b'].map(() => ringing({ store }))
    return { a: a!, b: b! }
  }

  it('an invite created on A is accepted on B: A rings no more and sends no missed; A announces the rings, B the acceptance', async () => {
    const { a, b } = pair()
    const invite = await a.calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await vi.advanceTimersByTimeAsync(12_000)
    expect((await b.calls.getInvite({ id: invite.id, identity: 'alice' })).attempts).toBe(2)
    expect(await b.calls.acceptInvite({ id: invite.id, identity: 'bob' })).toMatchObject({ status: 'accepted', attempts: 2 })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(a.notifications.map(({ kind, attempt }) => `${kind}${attempt}`)).toEqual(['ring1', 'ring2'])
    expect(b.notifications).toEqual([])
    expect(a.changes.map(({ status }) => status)).toEqual(['ringing', 'ringing', 'ringing'])
    expect(b.changes.map(({ status }) => status)).toEqual(['accepted'])
    expect((await a.calls.getInvite({ id: invite.id, identity: 'bob' })).status).toBe('accepted')
    expect((await failure(a.calls.declineInvite({ id: invite.id, identity: 'bob' }))).code).toBe('CONFLICT')
  })

  it('the callee joining through B answers the invite A rings', async () => {
    const { a, b } = pair()
    const invite = await a.calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await b.calls.join({ room: 'standup', participant: { identity: 'bob' } })
    expect((await a.calls.getInvite({ id: invite.id, identity: 'alice' })).status).toBe('accepted')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(a.notifications.map(({ kind }) => kind)).toEqual(['ring'])
  })

  it.each([
    ['the caller cancels through B: B tells the callee, A rings no more', 'cancelInvite', 'alice', 5000, ['ring1'], ['cancelled1']],
    ['the callee declines through B as the window ends: A sends no missed', 'declineInvite', 'bob', 29_999, ['ring1', 'ring2', 'ring3'], []],
  ] as const)('%s', async (_label, method, identity, after, fromA, fromB) => {
    const { a, b } = pair()
    const invite = await a.calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await vi.advanceTimersByTimeAsync(after)
    await b.calls[method]({ id: invite.id, identity })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(a.notifications.map(({ kind, attempt }) => `${kind}${attempt}`)).toEqual(fromA)
    expect(b.notifications.map(({ kind, attempt }) => `${kind}${attempt}`)).toEqual(fromB)
    expect(a.changes.map(({ status }) => status).every((status) => status === 'ringing')).toBe(true)
  })
})

describe('stopping', () => {
  it('stops when the callee accepts: no more rings, no missed', async () => {
    const { calls, notifications } = ringing()
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await vi.advanceTimersByTimeAsync(12_000)
    const accepted = await calls.acceptInvite({ id: invite.id, identity: 'bob' })
    expect(accepted).toMatchObject({ status: 'accepted', attempts: 2, settledAt: '2026-11-21T12:00:12.000Z' })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(notifications.map(({ kind, attempt }) => `${kind}${attempt}`)).toEqual(['ring1', 'ring2'])
  })

  it('stops when the callee joins the room through the server (calls.join or POST /join), not when someone else does', async () => {
    const { calls, notifications } = ringing()
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await calls.join({ room: 'standup', participant: { identity: 'alice' } })
    await calls.join({ room: 'other-room', participant: { identity: 'bob' } })
    expect((await calls.getInvite({ id: invite.id, identity: 'alice' })).status).toBe('ringing')
    const response = await calls.fetch(
      new Request('https://calls.example.com/join', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user': 'bob' },
        body: JSON.stringify({ room: 'standup' }),
      }),
    )
    expect(response.status).toBe(200)
    expect((await calls.getInvite({ id: invite.id, identity: 'alice' })).status).toBe('accepted')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(notifications.map(({ kind }) => kind)).toEqual(['ring'])
  })

  it('stops when the callee gets a token for the room (POST /rooms/:room/tokens)', async () => {
    const { calls } = ringing()
    await calls.join({ room: 'standup', participant: { identity: 'alice' } })
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    const response = await calls.fetch(
      new Request('https://calls.example.com/rooms/standup/tokens', { method: 'POST', headers: { 'x-user': 'bob', 'callport-request': '1' } }),
    )
    expect(response.status).toBe(200)
    expect((await calls.getInvite({ id: invite.id, identity: 'bob' })).status).toBe('accepted')
  })

  it('stops when a participant-joined webhook names the callee in the room', async () => {
    const { calls, notifications } = ringing()
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    const joined = {
      id: 'event-1',
      provider: 'stub',
      type: 'participant-joined',
      room: { providerRoomId: 'stub-standup-1', name: 'standup' },
      participant: { identity: 'bob' },
      occurredAt: new Date().toISOString(),
      raw: {},
    }
    const response = await calls.fetch(new Request('https://calls.example.com/webhooks/stub', { method: 'POST', body: JSON.stringify(joined) }))
    expect(response.status).toBe(204)
    expect((await calls.getInvite({ id: invite.id, identity: 'bob' })).status).toBe('accepted')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(notifications).toHaveLength(1)
  })

  it('stops when the callee declines', async () => {
    const { calls, notifications } = ringing()
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await vi.advanceTimersByTimeAsync(25_000)
    expect((await calls.declineInvite({ id: invite.id, identity: 'bob' })).status).toBe('declined')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(notifications.map(({ kind }) => kind)).toEqual(['ring', 'ring', 'ring'])
  })

  it('stops when the caller cancels, and tells the callee once', async () => {
    const { calls, notifications } = ringing()
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await vi.advanceTimersByTimeAsync(15_000)
    expect((await calls.cancelInvite({ id: invite.id, identity: 'alice' })).status).toBe('cancelled')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(notifications).toEqual([
      { at: 0, kind: 'ring', attempt: 1, status: 'ringing' },
      { at: 10_000, kind: 'ring', attempt: 2, status: 'ringing' },
      { at: 15_000, kind: 'cancelled', attempt: 2, status: 'cancelled' },
    ])
  })

  it('only the callee accepts or declines, only the caller cancels, once; an unknown id is NOT_FOUND', async () => {
    const { calls } = ringing()
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    expect((await failure(calls.acceptInvite({ id: invite.id, identity: 'alice' }))).code).toBe('FORBIDDEN')
    expect((await failure(calls.declineInvite({ id: invite.id, identity: 'mallory' }))).code).toBe('FORBIDDEN')
    expect((await failure(calls.cancelInvite({ id: invite.id, identity: 'bob' }))).code).toBe('FORBIDDEN')
    expect((await failure(calls.getInvite({ id: invite.id, identity: 'mallory' }))).code).toBe('FORBIDDEN')
    expect((await failure(calls.acceptInvite({ id: 'inv_unknown', identity: 'bob' }))).code).toBe('NOT_FOUND')
    await calls.acceptInvite({ id: invite.id, identity: 'bob' })
    const again = await failure(calls.cancelInvite({ id: invite.id, identity: 'alice' }))
    expect(again).toMatchObject({ code: 'CONFLICT', message: 'The invite is already accepted' })
  })

  it('forgets a settled invite after the retention time', async () => {
    const { calls } = ringing()
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await calls.declineInvite({ id: invite.id, identity: 'bob' })
    await vi.advanceTimersByTimeAsync(SETTLED_INVITE_RETENTION_MILLISECONDS - 1)
    expect((await calls.getInvite({ id: invite.id, identity: 'bob' })).status).toBe('declined')
    await vi.advanceTimersByTimeAsync(1)
    expect((await failure(calls.getInvite({ id: invite.id, identity: 'bob' }))).code).toBe('NOT_FOUND')
  })
})

describe('notifier errors', () => {
  it.each([
    ['a retryable CallportError', new CallportError('PROVIDER_UNAVAILABLE', 'push service down', { retryable: true })],
    ['a plain Error', new Error('socket hang up')],
  ])('%s lets the next attempts go ahead, and the invite is missed', async (_label, error) => {
    const { calls, notifications, errors } = ringing({}, async ({ kind, attempt }) => {
      if (kind === 'ring' && attempt < 3) throw error
    })
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    expect(invite.status).toBe('ringing')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(notifications.map(({ kind }) => kind)).toEqual(['ring', 'ring', 'ring', 'missed'])
    expect((await calls.getInvite({ id: invite.id, identity: 'alice' })).status).toBe('missed')
    expect(errors).toEqual([error, error])
  })

  it.each([
    ['a CallportError that is not retryable', new CallportError('INVALID_INPUT', 'no device registered for bob')],
    ['an error marked retryable: false', Object.assign(new Error('unsubscribed'), { retryable: false })],
  ])('%s stops the invite as failed: no more rings, and the missed-call notice still goes out', async (_label, error) => {
    const { calls, notifications, errors } = ringing({}, async ({ kind, attempt }) => {
      if (kind === 'ring' && attempt === 2) throw error
    })
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(notifications.map(({ kind, attempt }) => `${kind}${attempt}`)).toEqual(['ring1', 'ring2', 'missed2'])
    expect(notifications.at(-1)).toMatchObject({ kind: 'missed', status: 'failed' })
    expect(await calls.getInvite({ id: invite.id, identity: 'alice' })).toMatchObject({ status: 'failed', settledAt: '2026-11-21T12:00:10.000Z' })
    expect(errors).toEqual([error])
  })

  it('a non-retryable failure of the first ring resolves the invite as failed', async () => {
    const { calls } = ringing({}, async () => {
      throw new CallportError('FORBIDDEN', 'bob blocked alice')
    })
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    expect(invite.status).toBe('failed')
  })

  it('a failing missed notification is reported and the invite stays missed', async () => {
    const trouble = new Error('push service down')
    const { calls, errors } = ringing({ attempts: 1, withinSeconds: 1 }, async ({ kind }) => {
      if (kind === 'missed') throw trouble
    })
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await vi.advanceTimersByTimeAsync(1000)
    expect((await calls.getInvite({ id: invite.id, identity: 'bob' })).status).toBe('missed')
    expect(errors).toEqual([trouble])
  })
})

describe('HTTP', () => {
  const post = (path: string, user: string | undefined, body?: unknown, headers: Record<string, string> = {}) =>
    new Request(`https://calls.example.com/calls${path}`, {
      method: 'POST',
      // Every POST is application/json (a body-less action too): the server refuses what a cross-site form could send.
      headers: { 'content-type': 'application/json', ...(user ? { 'x-user': user } : {}), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const get = (path: string, user: string) => new Request(`https://calls.example.com/calls${path}`, { headers: { 'x-user': user } })

  function server() {
    const notifications: InviteNotification[] = []
    const calls = createCallServer({
      providers: [stubAdapter('stub')],
      basePath: '/calls',
      authorize: async (request) => {
        const user = request.headers.get('x-user')
        return user ? { identity: user } : null
      },
      invites: { notify: async (notification) => void notifications.push(notification) },
    })
    return { calls, notifications }
  }

  const problem = async (response: Response) => {
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    return ProblemSchema.parse(await response.json())
  }

  it('POST /invites {to, room} answers 201 with the invite; the caller is the authorized identity', async () => {
    const { calls, notifications } = server()
    const response = await calls.fetch(post('/invites', 'alice', { to: 'bob', room: 'standup' }))
    expect(response.status).toBe(201)
    const invite = InviteSchema.parse(await response.json())
    expect(invite).toMatchObject({ from: 'alice', to: 'bob', room: 'standup', status: 'ringing', attempts: 1 })
    expect(notifications).toEqual([{ kind: 'ring', invite, attempt: 1 }])
  })

  it('POST /invites refuses the anonymous (401), a bad body (400), another media type (415), and inviting oneself (400)', async () => {
    const { calls, notifications } = server()
    expect((await problem(await calls.fetch(post('/invites', undefined, { to: 'bob', room: 'standup' })))).code).toBe('UNAUTHORIZED')
    expect((await problem(await calls.fetch(post('/invites', 'alice', { to: 'bob', room: 'no spaces' })))).code).toBe('INVALID_INPUT')
    expect((await problem(await calls.fetch(post('/invites', 'alice', { room: 'standup' })))).code).toBe('INVALID_INPUT')
    const text = await calls.fetch(
      new Request('https://calls.example.com/calls/invites', { method: 'POST', headers: { 'x-user': 'alice', 'content-type': 'text/plain' }, body: 'bob' }),
    )
    expect(text.status).toBe(415)
    const self = await calls.fetch(post('/invites', 'alice', { to: 'alice', room: 'standup' }))
    expect(self.status).toBe(400)
    expect(notifications).toEqual([])
  })

  it('accept, decline and cancel: 200, 403 for the wrong person, 404 unknown, 409 once settled', async () => {
    const { calls } = server()
    const created = InviteSchema.parse(await (await calls.fetch(post('/invites', 'alice', { to: 'bob', room: 'standup' }))).json())
    const forbidden = await calls.fetch(post(`/invites/${created.id}/accept`, 'alice'))
    expect(forbidden.status).toBe(403)
    expect((await problem(forbidden)).code).toBe('FORBIDDEN')
    expect((await calls.fetch(post(`/invites/${created.id}/cancel`, 'bob'))).status).toBe(403)
    expect((await calls.fetch(post('/invites/inv_nothing/accept', 'bob'))).status).toBe(404)
    const accepted = await calls.fetch(post(`/invites/${created.id}/accept`, 'bob'))
    expect(accepted.status).toBe(200)
    expect(InviteSchema.parse(await accepted.json())).toMatchObject({ id: created.id, status: 'accepted' })
    const conflict = await calls.fetch(post(`/invites/${created.id}/decline`, 'bob'))
    expect(conflict.status).toBe(409)
    expect(await problem(conflict)).toMatchObject({ code: 'CONFLICT', detail: 'The invite is already accepted' })
    expect((await calls.fetch(post(`/invites/${created.id}/cancel`, 'alice'))).status).toBe(409)
  })

  it('the caller cancels over HTTP; GET /invites/:id is for the caller and callee only', async () => {
    const { calls, notifications } = server()
    const created = InviteSchema.parse(await (await calls.fetch(post('/invites', 'alice', { to: 'bob', room: 'standup' }))).json())
    expect(InviteSchema.parse(await (await calls.fetch(post(`/invites/${created.id}/cancel`, 'alice'))).json()).status).toBe('cancelled')
    expect(notifications.map(({ kind }) => kind)).toEqual(['ring', 'cancelled'])
    expect(InviteSchema.parse(await (await calls.fetch(get(`/invites/${created.id}`, 'bob'))).json()).status).toBe('cancelled')
    expect((await calls.fetch(get(`/invites/${created.id}`, 'mallory'))).status).toBe(403)
  })

  it('wrong methods are 405 with Allow, unknown actions 404, and every invite route 404 without the invites option', async () => {
    const { calls } = server()
    const wrong = await calls.fetch(get('/invites', 'alice'))
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('POST')
    expect((await calls.fetch(post('/invites/inv_1/snooze', 'bob'))).status).toBe(404)
    const plain = createCallServer({ providers: [stubAdapter('stub')], authorize: async () => ({ identity: 'alice' }) })
    const missing = await plain.fetch(
      new Request('https://calls.example.com/invites', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"to":"bob","room":"standup"}' }),
    )
    expect(missing.status).toBe(404)
    expect((await failure(plain.invite({ from: 'alice', to: 'bob', room: 'standup' }))).code).toBe('UNSUPPORTED')
  })
})
