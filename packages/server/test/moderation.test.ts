import { CallportError, ProblemSchema, type Participant } from '@callport/core'
import { expectCallportError } from '@callport/testkit'
import { describe, expect, it, vi } from 'vitest'
import { createCallServer, type CallServerOptions, type ModerationRequest } from '../src/index'
import type { Logger } from '../src/logger'
import { postJson, stubAdapter } from './stub-adapter'

const base = 'http://calls.test/calls'
const moderator = { identity: 'mia', role: 'moderator' } as const
const bob: Participant = { identity: 'bob', role: 'publisher' }
const carol: Participant = { identity: 'carol', role: 'publisher' }

/** A server on two stub providers: `a` can moderate, `b` cannot. `authorize` takes the identity from `x-user`; `mia` is a moderator. */
function server(overrides: Partial<CallServerOptions> = {}) {
  const a = stubAdapter('a', { moderation: true })
  const b = stubAdapter('b', { optionalMethods: false })
  const lines: { level: string; fields: Record<string, unknown> }[] = []
  const logger: Logger = {
    info: (fields) => lines.push({ level: 'info', fields }),
    warn: (fields) => lines.push({ level: 'warn', fields }),
    error: (fields) => lines.push({ level: 'error', fields }),
  }
  const authorized: { identity: string; room: string | undefined }[] = []
  const calls = createCallServer({
    providers: [a, b],
    route: ({ room }) => (room.startsWith('b-') ? 'b' : 'a'),
    basePath: '/calls',
    logger,
    authorize: async (request, { room }) => {
      const identity = request.headers.get('x-user')
      if (identity === null) return null
      authorized.push({ identity, room })
      return identity === 'mia' ? moderator : { identity }
    },
    ...overrides,
  })
  return { calls, a, b, lines, authorized }
}

async function liveRoom(calls: ReturnType<typeof server>['calls'], a: ReturnType<typeof server>['a'], room = 'standup') {
  await calls.ensureRoom({ room })
  a.members.set(room, [bob, carol])
}

const as = (user: string, extra: Record<string, string> = {}) => ({ 'x-user': user, 'callport-request': '1', ...extra })

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  const problem = ProblemSchema.parse(await response.json())
  expect(problem.status).toBe(response.status)
  return problem
}

describe('moderation over HTTP', () => {
  it('lets a moderator list, mute and remove participants and close the room; authorize names the room each time', async () => {
    const { calls, a, authorized } = server()
    await liveRoom(calls, a)

    const listed = await calls.fetch(new Request(`${base}/rooms/standup/participants`, { headers: { 'x-user': 'mia' } }))
    expect(listed.status).toBe(200)
    expect(listed.headers.get('cache-control')).toBe('no-store')
    expect(await listed.json()).toEqual({ participants: [bob, carol] })

    const muted = await calls.fetch(postJson(`${base}/rooms/standup/participants/bob/mute`, { kind: 'audio' }, { 'x-user': 'mia' }))
    expect(muted.status).toBe(204)
    expect(a.muted).toEqual([{ room: 'standup', identity: 'bob', kind: 'audio' }])

    const removed = await calls.fetch(new Request(`${base}/rooms/standup/participants/bob`, { method: 'DELETE', headers: as('mia') }))
    expect(removed.status).toBe(204)
    expect(a.members.get('standup')).toEqual([carol])

    const closed = await calls.fetch(new Request(`${base}/rooms/standup`, { method: 'DELETE', headers: as('mia') }))
    expect(closed.status).toBe(204)
    expect(a.rooms.has('standup')).toBe(false)
    expect(await calls.getRoom({ room: 'standup' })).toBeNull()
    expect(authorized).toEqual(Array.from({ length: 4 }, () => ({ identity: 'mia', room: 'standup' })))
  })

  it('refuses everyone the policy refuses with 403, before touching the room (default: moderators only)', async () => {
    const { calls, a } = server()
    await liveRoom(calls, a)
    const requests = [
      new Request(`${base}/rooms/standup/participants`, { headers: { 'x-user': 'bob' } }),
      postJson(`${base}/rooms/standup/participants/carol/mute`, { kind: 'video' }, { 'x-user': 'bob' }),
      new Request(`${base}/rooms/standup/participants/carol`, { method: 'DELETE', headers: as('bob') }),
      new Request(`${base}/rooms/standup`, { method: 'DELETE', headers: as('bob') }),
      // Not live: still FORBIDDEN, so that a refused actor learns nothing about the room.
      new Request(`${base}/rooms/elsewhere/participants`, { headers: { 'x-user': 'bob' } }),
    ]
    for (const request of requests) {
      const response = await calls.fetch(request)
      expect(response.status).toBe(403)
      expect((await problemOf(response)).code).toBe('FORBIDDEN')
    }
    expect(a.muted).toEqual([])
    expect(a.members.get('standup')).toEqual([bob, carol])
    expect(a.rooms.has('standup')).toBe(true)
  })

  it('asks the app policy with the action, room, actor, identity and kind', async () => {
    const asked: ModerationRequest[] = []
    const { calls, a } = server({
      moderation: async (request) => {
        asked.push(request)
        return request.actor.identity === 'bob' && request.action === 'mute-participant'
      },
    })
    await liveRoom(calls, a)
    expect((await calls.fetch(postJson(`${base}/rooms/standup/participants/carol/mute`, { kind: 'video' }, { 'x-user': 'bob' }))).status).toBe(204)
    expect((await calls.fetch(new Request(`${base}/rooms/standup/participants/carol`, { method: 'DELETE', headers: as('bob') }))).status).toBe(403)
    // The default policy no longer applies: the app's said no to the moderator.
    expect((await calls.fetch(new Request(`${base}/rooms/standup`, { method: 'DELETE', headers: as('mia') }))).status).toBe(403)
    expect(asked).toEqual([
      { action: 'mute-participant', room: 'standup', actor: { identity: 'bob', role: 'publisher' }, identity: 'carol', kind: 'video' },
      { action: 'remove-participant', room: 'standup', actor: { identity: 'bob', role: 'publisher' }, identity: 'carol' },
      { action: 'close-room', room: 'standup', actor: moderator },
    ])
  })

  it('answers 501 UNSUPPORTED when the room is on a provider without the capability, 404 when the room is not live', async () => {
    const { calls, b } = server()
    await calls.ensureRoom({ room: 'b-room' })
    expect(b.rooms.has('b-room')).toBe(true)
    for (const request of [
      new Request(`${base}/rooms/b-room/participants`, { headers: { 'x-user': 'mia' } }),
      postJson(`${base}/rooms/b-room/participants/bob/mute`, { kind: 'audio' }, { 'x-user': 'mia' }),
      new Request(`${base}/rooms/b-room/participants/bob`, { method: 'DELETE', headers: as('mia') }),
      new Request(`${base}/rooms/b-room`, { method: 'DELETE', headers: as('mia') }),
    ]) {
      const response = await calls.fetch(request)
      expect(response.status).toBe(501)
      expect(await problemOf(response)).toMatchObject({ code: 'UNSUPPORTED', provider: 'b' })
    }
    expect(b.rooms.has('b-room')).toBe(true)

    const absent = await calls.fetch(new Request(`${base}/rooms/nowhere/participants/bob`, { method: 'DELETE', headers: as('mia') }))
    expect(absent.status).toBe(404)
    expect((await problemOf(absent)).code).toBe('ROOM_NOT_FOUND')
  })

  it('passes PARTICIPANT_NOT_FOUND through as 404 and logs the adapter call as info', async () => {
    const { calls, a, lines } = server()
    await liveRoom(calls, a)
    const response = await calls.fetch(postJson(`${base}/rooms/standup/participants/zoe/mute`, { kind: 'audio' }, { 'x-user': 'mia' }))
    expect(response.status).toBe(404)
    expect(await problemOf(response)).toMatchObject({ code: 'PARTICIPANT_NOT_FOUND', provider: 'a', detail: 'The video provider does not know this participant' })
    expect(lines).toContainEqual({
      level: 'info',
      fields: expect.objectContaining({ event: 'vendor-fault', operation: 'muteParticipant', room: 'standup', code: 'PARTICIPANT_NOT_FOUND', provider: 'a' }),
    })
  })

  it('validates the mute body with zod and the identity in the path', async () => {
    const { calls, a } = server()
    await liveRoom(calls, a)
    for (const body of [{}, { kind: 'screen' }, { kind: 'audio', extra: true }, 'audio']) {
      const response = await calls.fetch(postJson(`${base}/rooms/standup/participants/bob/mute`, body, { 'x-user': 'mia' }))
      expect(response.status).toBe(400)
      expect((await problemOf(response)).code).toBe('INVALID_INPUT')
    }
    const control = await calls.fetch(new Request(`${base}/rooms/standup/participants/b%07ob`, { method: 'DELETE', headers: as('mia') }))
    expect(control.status).toBe(400)
    expect(a.muted).toEqual([])
  })

  it('guards the state-changing routes like the others: 415 without JSON or Callport-Request, 403 cross-site', async () => {
    const { calls, a } = server()
    await liveRoom(calls, a)
    const bare = await calls.fetch(new Request(`${base}/rooms/standup/participants/bob`, { method: 'DELETE', headers: { 'x-user': 'mia' } }))
    expect(bare.status).toBe(415)
    const form = await calls.fetch(
      new Request(`${base}/rooms/standup/participants/bob/mute`, { method: 'POST', headers: { 'x-user': 'mia', 'content-type': 'text/plain' }, body: '{"kind":"audio"}' }),
    )
    expect(form.status).toBe(415)
    const crossSite = await calls.fetch(
      new Request(`${base}/rooms/standup`, { method: 'DELETE', headers: as('mia', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }) }),
    )
    expect(crossSite.status).toBe(403)
    expect(a.members.get('standup')).toEqual([bob, carol])
    expect(a.rooms.has('standup')).toBe(true)
  })

  it('answers 401 without a participant, and 405 naming every method of a path', async () => {
    const { calls, a } = server()
    await liveRoom(calls, a)
    expect((await calls.fetch(new Request(`${base}/rooms/standup/participants`))).status).toBe(401)
    const wrong = await calls.fetch(postJson(`${base}/rooms/standup`, {}, { 'x-user': 'mia' }))
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET, DELETE')
    const listWithPost = await calls.fetch(postJson(`${base}/rooms/standup/participants`, {}, { 'x-user': 'mia' }))
    expect(listWithPost.status).toBe(405)
    expect(listWithPost.headers.get('allow')).toBe('GET')
    // GET /rooms/:room still answers the room.
    const room = await calls.fetch(new Request(`${base}/rooms/standup`, { headers: { 'x-user': 'bob' } }))
    expect(room.status).toBe(200)
  })

  it('limits moderation requests per acting identity (429 with Retry-After)', async () => {
    const { calls, a } = server({ rateLimits: { moderation: { limit: 2, windowSeconds: 60 } } })
    await liveRoom(calls, a)
    const list = () => calls.fetch(new Request(`${base}/rooms/standup/participants`, { headers: { 'x-user': 'mia' } }))
    expect((await list()).status).toBe(200)
    expect((await list()).status).toBe(200)
    const limited = await list()
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    // Trusted server code (no actor) is not counted.
    expect(await calls.listParticipants({ room: 'standup' })).toEqual([bob, carol])
  })
})

describe('moderation, programmatic', () => {
  it('trusts calls without an actor: no policy asked', async () => {
    const moderation = vi.fn(() => false)
    const { calls, a } = server({ moderation })
    await liveRoom(calls, a)
    expect(await calls.listParticipants({ room: 'standup' })).toEqual([bob, carol])
    await calls.muteParticipant({ room: 'standup', identity: 'carol', kind: 'video' })
    await calls.removeParticipant({ room: 'standup', identity: 'bob' })
    await calls.closeRoom({ room: 'standup' })
    expect(moderation).not.toHaveBeenCalled()
    expect(a.muted).toEqual([{ room: 'standup', identity: 'carol', kind: 'video' }])
    expect(a.rooms.has('standup')).toBe(false)
  })

  it('applies the policy to an actor', async () => {
    const { calls, a } = server()
    await liveRoom(calls, a)
    await expectCallportError(calls.removeParticipant({ room: 'standup', identity: 'carol', actor: { identity: 'bob' } }), ['FORBIDDEN'])
    await expectCallportError(calls.closeRoom({ room: 'standup', actor: { identity: 'bob' } }), ['FORBIDDEN'])
    await expectCallportError(calls.listParticipants({ room: 'standup', actor: { identity: 'bob' } }), ['FORBIDDEN'])
    await calls.removeParticipant({ room: 'standup', identity: 'carol', actor: moderator })
    expect(await calls.listParticipants({ room: 'standup', actor: moderator })).toEqual([bob])
  })

  it('refuses a policy that is not a function, an invalid kind or identity, and unknown options', async () => {
    const { calls, a } = server()
    await liveRoom(calls, a)
    expect(() => server({ moderation: true as never })).toThrow(/moderation must be a function/)
    expect(() => server({ moderator: () => true } as never)).toThrow(/unknown option "moderator"/)
    expect(() => server({ rateLimits: { moderaton: { limit: 1, windowSeconds: 1 } } as never })).toThrow(/unknown option "moderaton"/)
    await expectCallportError(calls.muteParticipant({ room: 'standup', identity: 'bob', kind: 'screen' as never }), ['INVALID_INPUT'])
    await expectCallportError(calls.removeParticipant({ room: 'standup', identity: '' }), ['INVALID_INPUT'])
    expect(a.muted).toEqual([])
  })

  it('closeRoom: without an actor a provider that cannot close rooms only forgets it; with one, UNSUPPORTED', async () => {
    const { calls, b } = server()
    await calls.ensureRoom({ room: 'b-room' })
    await expectCallportError(calls.closeRoom({ room: 'b-room', actor: moderator }), ['UNSUPPORTED'])
    expect(await calls.getRoom({ room: 'b-room' })).not.toBeNull()
    await calls.closeRoom({ room: 'b-room' })
    expect(await calls.getRoom({ room: 'b-room' })).toBeNull()
    expect(b.rooms.has('b-room')).toBe(true)
  })

  it('a policy that throws: its CallportError is kept, anything else is INTERNAL', async () => {
    const { calls, a } = server({
      moderation: ({ action }) => {
        if (action === 'close-room') throw new CallportError('CONFLICT', 'not during a recording')
        throw new Error('bug')
      },
    })
    await liveRoom(calls, a)
    await expectCallportError(calls.closeRoom({ room: 'standup', actor: moderator }), ['CONFLICT'])
    await expectCallportError(calls.listParticipants({ room: 'standup', actor: moderator }), ['INTERNAL'])
  })
})

describe('updating a participant (name, metadata)', () => {
  const patch = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    new Request(url, { method: 'PATCH', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

  it('lets a moderator change the name and/or metadata over HTTP (204); authorize names the room', async () => {
    const { calls, a, authorized } = server()
    await liveRoom(calls, a)
    const both = await calls.fetch(patch(`${base}/rooms/standup/participants/bob`, { name: 'Bob B.', metadata: { hand: 'raised', seat: 3 } }, { 'x-user': 'mia' }))
    expect(both.status).toBe(204)
    const nameOnly = await calls.fetch(patch(`${base}/rooms/standup/participants/carol`, { name: 'Carol' }, { 'x-user': 'mia' }))
    expect(nameOnly.status).toBe(204)
    const metadataOnly = await calls.fetch(patch(`${base}/rooms/standup/participants/carol`, { metadata: {} }, { 'x-user': 'mia' }))
    expect(metadataOnly.status).toBe(204)
    expect(a.updated).toEqual([
      { room: 'standup', identity: 'bob', name: 'Bob B.', metadata: { hand: 'raised', seat: 3 } },
      { room: 'standup', identity: 'carol', name: 'Carol' },
      { room: 'standup', identity: 'carol', metadata: {} },
    ])
    expect(a.updated[1]).not.toHaveProperty('metadata')
    expect(authorized).toEqual(Array.from({ length: 3 }, () => ({ identity: 'mia', room: 'standup' })))
  })

  it('asks the policy with the action, identity and changes; refuses with 403 before touching the room', async () => {
    const asked: ModerationRequest[] = []
    const { calls, a } = server({
      moderation: (request) => {
        asked.push(request)
        // An app may let participants rename themselves.
        return request.actor.identity === request.identity && request.changes?.metadata === undefined
      },
    })
    await liveRoom(calls, a)
    expect((await calls.fetch(patch(`${base}/rooms/standup/participants/bob`, { name: 'Bobby' }, { 'x-user': 'bob' }))).status).toBe(204)
    const other = await calls.fetch(patch(`${base}/rooms/standup/participants/carol`, { name: 'Caz' }, { 'x-user': 'bob' }))
    expect(other.status).toBe(403)
    expect((await problemOf(other)).code).toBe('FORBIDDEN')
    expect((await calls.fetch(patch(`${base}/rooms/standup/participants/bob`, { metadata: { role: 'host' } }, { 'x-user': 'bob' }))).status).toBe(403)
    expect(asked).toEqual([
      { action: 'update-participant', room: 'standup', actor: bob, identity: 'bob', changes: { name: 'Bobby' } },
      { action: 'update-participant', room: 'standup', actor: bob, identity: 'carol', changes: { name: 'Caz' } },
      { action: 'update-participant', room: 'standup', actor: bob, identity: 'bob', changes: { metadata: { role: 'host' } } },
    ])
    expect(a.updated).toEqual([{ room: 'standup', identity: 'bob', name: 'Bobby' }])
  })

  it('refuses non-moderators by default', async () => {
    const { calls, a } = server()
    await liveRoom(calls, a)
    const response = await calls.fetch(patch(`${base}/rooms/standup/participants/bob`, { name: 'Bobby' }, { 'x-user': 'bob' }))
    expect(response.status).toBe(403)
    await expectCallportError(calls.updateParticipant({ room: 'standup', identity: 'bob', name: 'Bobby', actor: { identity: 'bob' } }), ['FORBIDDEN'])
    expect(a.updated).toEqual([])
  })

  it('answers 501 UNSUPPORTED without the capability, 404 ROOM_NOT_FOUND when not live, 404 PARTICIPANT_NOT_FOUND for someone absent (logged as updateParticipant)', async () => {
    const { calls, a, lines } = server()
    await liveRoom(calls, a)
    await calls.ensureRoom({ room: 'b-room' })
    const unsupported = await calls.fetch(patch(`${base}/rooms/b-room/participants/bob`, { name: 'Bob' }, { 'x-user': 'mia' }))
    expect(unsupported.status).toBe(501)
    expect(await problemOf(unsupported)).toMatchObject({ code: 'UNSUPPORTED', provider: 'b' })
    const notLive = await calls.fetch(patch(`${base}/rooms/nowhere/participants/bob`, { name: 'Bob' }, { 'x-user': 'mia' }))
    expect(notLive.status).toBe(404)
    expect((await problemOf(notLive)).code).toBe('ROOM_NOT_FOUND')
    const absent = await calls.fetch(patch(`${base}/rooms/standup/participants/zoe`, { name: 'Zoe' }, { 'x-user': 'mia' }))
    expect(absent.status).toBe(404)
    expect(await problemOf(absent)).toMatchObject({ code: 'PARTICIPANT_NOT_FOUND', provider: 'a' })
    expect(lines).toContainEqual({
      level: 'info',
      fields: expect.objectContaining({ event: 'vendor-fault', operation: 'updateParticipant', room: 'standup', code: 'PARTICIPANT_NOT_FOUND', provider: 'a' }),
    })
    await expectCallportError(calls.updateParticipant({ room: 'b-room', identity: 'bob', name: 'Bob' }), ['UNSUPPORTED'])
    expect(a.updated).toEqual([])
  })

  it('an adapter written before the flag (capabilities without updateParticipant) is UNSUPPORTED', async () => {
    const old = stubAdapter('old', { moderation: true })
    const { updateParticipant: _left, ...capabilities } = old.capabilities
    Object.assign(old, { capabilities })
    delete (old as { updateParticipant?: unknown }).updateParticipant
    const calls = createCallServer({ providers: [old], authorize: async () => moderator })
    await calls.ensureRoom({ room: 'standup' })
    old.members.set('standup', [bob])
    await expectCallportError(calls.updateParticipant({ room: 'standup', identity: 'bob', name: 'Bob' }), ['UNSUPPORTED'])
    expect(old.updated).toEqual([])
  })

  it('validates the body with zod: at least one field, a name of 1 to 256 characters, metadata an object, unknown fields refused by name', async () => {
    const { calls, a } = server()
    await liveRoom(calls, a)
    const refused: [unknown, RegExp][] = [
      [{}, /name, metadata or both/],
      [{ name: '' }, /name must not be empty/],
      [{ name: 'x'.repeat(257) }, /at most 256/],
      [{ name: 42 }, /"path":\["name"\]/],
      [{ metadata: 'raised' }, /"path":\["metadata"\]/],
      [{ metadata: ['raised'] }, /"path":\["metadata"\]/],
      [{ name: 'Bob', role: 'moderator' }, /"role"/],
      ['Bob', /request body/],
      [null, /request body/],
    ]
    for (const [body, detail] of refused) {
      const response = await calls.fetch(patch(`${base}/rooms/standup/participants/bob`, body, { 'x-user': 'mia' }))
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
      // The detail names the first issue; the issues carry where it is.
      const raw = (await response.json()) as { detail?: string; issues?: unknown[] }
      expect(ProblemSchema.parse(raw).code).toBe('INVALID_INPUT')
      expect(`${raw.detail} ${JSON.stringify(raw.issues)}`, JSON.stringify(body)).toMatch(detail)
    }
    expect((await calls.fetch(patch(`${base}/rooms/standup/participants/b%07ob`, { name: 'Bob' }, { 'x-user': 'mia' }))).status).toBe(400)
    expect((await calls.fetch(patch(`${base}/rooms/standup/participants/bob`, { name: 'x'.repeat(256) }, { 'x-user': 'mia' }))).status).toBe(204)
    expect(a.updated).toEqual([{ room: 'standup', identity: 'bob', name: 'x'.repeat(256) }])
  })

  it('passes the state-changing-request guard (415 without JSON, 403 cross-site) and names both methods of the path in a 405', async () => {
    const { calls, a } = server()
    await liveRoom(calls, a)
    const text = await calls.fetch(
      new Request(`${base}/rooms/standup/participants/bob`, {
        method: 'PATCH',
        headers: { 'x-user': 'mia', 'content-type': 'text/plain', 'callport-request': '1' },
        body: '{"name":"Bob"}',
      }),
    )
    expect(text.status).toBe(415)
    const crossSite = await calls.fetch(
      patch(`${base}/rooms/standup/participants/bob`, { name: 'Bob' }, { 'x-user': 'mia', 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }),
    )
    expect(crossSite.status).toBe(403)
    const wrong = await calls.fetch(new Request(`${base}/rooms/standup/participants/bob`, { method: 'PUT', headers: as('mia') }))
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('DELETE, PATCH')
    expect(a.updated).toEqual([])
  })

  it('counts toward the moderation rate limit of the acting identity (429); trusted calls are not counted', async () => {
    const { calls, a } = server({ rateLimits: { moderation: { limit: 1, windowSeconds: 60 } } })
    await liveRoom(calls, a)
    expect((await calls.fetch(patch(`${base}/rooms/standup/participants/bob`, { name: 'One' }, { 'x-user': 'mia' }))).status).toBe(204)
    const limited = await calls.fetch(patch(`${base}/rooms/standup/participants/bob`, { name: 'Two' }, { 'x-user': 'mia' }))
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    await calls.updateParticipant({ room: 'standup', identity: 'bob', name: 'Three' })
    expect(a.updated.map((update) => update.name)).toEqual(['One', 'Three'])
  })

  it('programmatic: trusted without an actor, the policy with one; INVALID_INPUT without changes or with a bad identity', async () => {
    const moderation = vi.fn(() => true)
    const { calls, a } = server({ moderation })
    await liveRoom(calls, a)
    await calls.updateParticipant({ room: 'standup', identity: 'bob', metadata: { hand: 'raised' } })
    expect(moderation).not.toHaveBeenCalled()
    await calls.updateParticipant({ room: 'standup', identity: 'carol', name: 'Carol', actor: { identity: 'bob' } })
    expect(moderation).toHaveBeenCalledWith({
      action: 'update-participant',
      room: 'standup',
      actor: { identity: 'bob', role: 'publisher' },
      identity: 'carol',
      changes: { name: 'Carol' },
    })
    await expectCallportError(calls.updateParticipant({ room: 'standup', identity: 'bob' }), ['INVALID_INPUT'])
    await expectCallportError(calls.updateParticipant({ room: 'standup', identity: 'bob', name: '' }), ['INVALID_INPUT'])
    await expectCallportError(calls.updateParticipant({ room: 'standup', identity: '', name: 'Bob' }), ['INVALID_INPUT'])
    await expectCallportError(calls.updateParticipant({ room: 'standup', identity: 'bob', metadata: 'x' as never }), ['INVALID_INPUT'])
    expect(a.updated).toEqual([
      { room: 'standup', identity: 'bob', metadata: { hand: 'raised' } },
      { room: 'standup', identity: 'carol', name: 'Carol' },
    ])
  })
})
