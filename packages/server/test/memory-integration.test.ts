import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { DisconnectReason } from '@callport/core'
import { createSession, type Session } from '@callport/client'
import { createMemoryHub, memory, waitForEvent, type MemoryHub } from '@callport/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createCallServer, type CallServer } from '../src/index'
import { toNodeHandler } from '../src/node'

/**
 * The memory provider end to end: a real node:http server mounting createCallServer, and sessions
 * from @callport/client fetching their tokens from it over HTTP. Who asks is named by a `user`
 * query parameter on the join URL, which `authorize` reads.
 */

let hub: MemoryHub
let calls: CallServer
let server: Server
let joinUrl: string
let sessions: Session[]
let authorized: string[]

beforeEach(async () => {
  hub = createMemoryHub()
  authorized = []
  sessions = []
  calls = createCallServer({
    providers: [memory({ hub })],
    basePath: '/calls',
    tokenTtlSeconds: 600,
    authorize: async (request) => {
      const user = new URL(request.url).searchParams.get('user')
      if (user) authorized.push(user)
      return user ? { identity: user, name: user.toUpperCase(), ...(user === 'mia' ? { role: 'moderator' as const } : {}) } : null
    },
  })
  server = createServer(toNodeHandler(calls))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  joinUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/calls/join`
})

afterEach(async () => {
  await Promise.all(sessions.map((session) => session.leave()))
  hub.reset()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

function sessionOf(user: string): Session {
  const session = createSession({ adapters: [memory({ hub })], token: `${joinUrl}?user=${user}`, reconnect: { initialDelay: 10, maximumDelay: 50 } })
  sessions.push(session)
  return session
}

const identities = (session: Session): string[] => session.participants().map((participant) => participant.identity)

async function bothInStandup(): Promise<{ alice: Session; bob: Session }> {
  const alice = sessionOf('alice')
  const bob = sessionOf('bob')
  await alice.join('standup', { audio: false, video: false })
  const aliceSeesBob = waitForEvent(alice, 'participant-joined', { filter: ({ participant }) => participant.identity === 'bob' })
  const bobSeesAlice = waitForEvent(bob, 'participant-joined', { filter: ({ participant }) => participant.identity === 'alice' })
  await bob.join('standup', { audio: false, video: false })
  await Promise.all([aliceSeesBob, bobSeesAlice])
  return { alice, bob }
}

describe('memory provider through createCallServer and createSession', () => {
  it('two sessions join "standup" over HTTP, see each other, and one sees the other leave', async () => {
    const { alice, bob } = await bothInStandup()
    expect(alice.localParticipant).toMatchObject({ identity: 'alice', name: 'ALICE', role: 'publisher' })
    expect(bob.room).toMatchObject({ name: 'standup', provider: 'memory' })
    expect(identities(alice)).toEqual(['bob'])
    expect(identities(bob)).toEqual(['alice'])
    expect(hub.members('standup').map((member) => member.identity)).toEqual(['alice', 'bob'])

    const aliceSeesBobLeave = waitForEvent(alice, 'participant-left')
    await bob.leave()
    expect((await aliceSeesBobLeave)[0].participant.identity).toBe('bob')
    expect(identities(alice)).toEqual([])
    expect(hub.members('standup').map((member) => member.identity)).toEqual(['alice'])
  })

  it('a camera turned on in one session arrives in the other as a track', async () => {
    const { alice, bob } = await bothInStandup()
    const subscribed = waitForEvent(alice, 'track-subscribed')
    await bob.setCameraEnabled(true)
    const [{ participant, track }] = await subscribed
    expect(participant.identity).toBe('bob')
    expect(track).toMatchObject({ kind: 'video', source: 'camera', mediaStreamTrack: undefined })
  })

  it.each<DisconnectReason>(['connection-lost', 'token-expired'])('after a drop (%s) the session reconnects with a fresh token', async (reason) => {
    const { alice, bob } = await bothInStandup()
    const before = bob.token
    const reconnecting = waitForEvent(bob, 'reconnecting')
    const reconnected = waitForEvent(bob, 'reconnected')
    const aliceSeesBobAgain = waitForEvent(alice, 'participant-joined', { filter: ({ participant }) => participant.identity === 'bob' })

    expect(hub.dropConnection('bob', reason)).toBe(1)
    expect((await reconnecting)[0]).toMatchObject({ attempt: 1, reason })
    await reconnected
    await aliceSeesBobAgain

    expect(bob.state).toBe('connected')
    expect(bob.token?.value).toBeDefined()
    expect(bob.token?.value).not.toBe(before?.value)
    expect(authorized.filter((user) => user === 'bob')).toHaveLength(2)
    expect(
      hub
        .members('standup')
        .map((member) => member.identity)
        .sort(),
    ).toEqual(['alice', 'bob'])
    expect(identities(alice)).toEqual(['bob'])
  })

  it('a moderator removes a participant over HTTP: that session ends with "removed", the other sees it leave', async () => {
    const { alice, bob } = await bothInStandup()
    const roomUrl = joinUrl.replace(/\/join$/, '/rooms/standup')
    const bobEnds = waitForEvent(bob, 'disconnected')
    const aliceSeesBobLeave = waitForEvent(alice, 'participant-left')
    const refused = await fetch(`${roomUrl}/participants/bob?user=alice`, { method: 'DELETE', headers: { 'callport-request': '1' } })
    expect(refused.status).toBe(403)
    const listed = await fetch(`${roomUrl}/participants?user=mia`)
    expect(((await listed.json()) as { participants: { identity: string }[] }).participants.map((participant) => participant.identity)).toEqual(['alice', 'bob'])
    const removed = await fetch(`${roomUrl}/participants/bob?user=mia`, { method: 'DELETE', headers: { 'callport-request': '1' } })
    expect(removed.status).toBe(204)
    expect((await bobEnds)[0].reason).toBe('removed')
    expect((await aliceSeesBobLeave)[0].participant.identity).toBe('bob')
    expect(bob.state).toBe('disconnected')
    const again = await fetch(`${roomUrl}/participants/bob?user=mia`, { method: 'DELETE', headers: { 'callport-request': '1' } })
    expect(again.status).toBe(404)
    expect(((await again.json()) as { code: string }).code).toBe('PARTICIPANT_NOT_FOUND')
  })

  it('a moderator renames a participant over HTTP: the other session sees participant-updated with the new name and metadata', async () => {
    const { alice, bob } = await bothInStandup()
    const participantUrl = joinUrl.replace(/\/join$/, '/rooms/standup/participants/bob')
    const patch = (user: string, body: unknown) =>
      fetch(`${participantUrl}?user=${user}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const aliceSees = waitForEvent(alice, 'participant-updated')
    expect((await patch('alice', { name: 'Bobby' })).status).toBe(403)
    expect((await patch('mia', { name: 'Bob B.', metadata: { hand: 'raised' } })).status).toBe(204)
    const [event] = await aliceSees
    expect(event.participant).toMatchObject({ identity: 'bob', name: 'Bob B.', metadata: { hand: 'raised' } })
    expect(alice.participants().find((participant) => participant.identity === 'bob')).toMatchObject({ name: 'Bob B.', metadata: { hand: 'raised' } })
    expect(bob.state).toBe('connected')
    const absent = await fetch(`${participantUrl.replace(/bob$/, 'zoe')}?user=mia`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"Zoe"}',
    })
    expect(absent.status).toBe(404)
  })

  it('closing the room on the server ends both sessions for good', async () => {
    const { alice, bob } = await bothInStandup()
    const ends = [alice, bob].map((session) => waitForEvent(session, 'disconnected'))
    await calls.closeRoom({ room: 'standup' })
    for (const [event] of await Promise.all(ends)) expect(event.reason).toBe('room-closed')
    expect([alice.state, bob.state]).toEqual(['disconnected', 'disconnected'])
  })
})
