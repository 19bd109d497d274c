import { createSession } from '@callport/client'
import type { Invite } from '@callport/core'
import { createCallServer, type InviteNotification } from '@callport/server'
import { waitForEvent } from '@callport/testkit'
import { http } from 'msw'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { twilio } from '../src/client/index'
import { createTwilioHarness, mswServer } from './twilio-harness'

beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }))
afterEach(() => mswServer.resetHandlers())
afterAll(() => mswServer.close())

/**
 * The ring flow end to end, on Twilio: two pages (createSession with the Twilio client half over the
 * fake twilio-video) and one createCallServer with the Twilio server half (over the fake Rooms REST),
 * reached through fetch. Each user has their own host, which is how `authorize` knows them.
 */
function app() {
  const { adapter, video } = createTwilioHarness()
  const notifications: InviteNotification[] = []
  const changes: Invite[] = []
  const calls = createCallServer({
    providers: [adapter],
    basePath: '/calls',
    authorize: async (request) => ({ identity: new URL(request.url).hostname.split('.')[0] ?? '' }),
    invites: { notify: async (notification) => void notifications.push(notification) },
  })
  calls.on('invite', ({ invite }) => changes.push(invite))
  mswServer.use(http.all('https://:user.app.example/calls/*', ({ request }) => calls.fetch(request)))
  const page = (user: string) => createSession({ adapters: [twilio({ sdk: video })], token: `https://${user}.app.example/calls/join` })
  return { calls, notifications, changes, page }
}

describe('ring flow on Twilio', () => {
  it('alice invites bob from her call; bob is rung, joins, and the invite is answered', async () => {
    const { calls, notifications, changes, page } = app()
    const alice = page('alice')
    await alice.join('standup', { audio: false, video: false })
    const invite = await alice.invite('bob')
    expect(invite).toMatchObject({ from: 'alice', to: 'bob', room: 'standup', status: 'ringing', attempts: 1 })
    expect(notifications).toEqual([{ kind: 'ring', invite, attempt: 1 }])

    const bob = page('bob')
    const bobJoined = waitForEvent(alice, 'participant-joined')
    await bob.join(notifications[0]!.invite.room, { audio: false, video: false })
    expect((await bobJoined)[0].participant.identity).toBe('bob')
    expect((await calls.getInvite({ id: invite.id, identity: 'alice' })).status).toBe('accepted')
    expect(changes.at(-1)).toMatchObject({ id: invite.id, status: 'accepted' })
    await Promise.all([alice.leave(), bob.leave()])
  })

  it('bob declines from his page; alice cancels another invite from hers', async () => {
    const { calls, notifications, page } = app()
    const alice = page('alice')
    const bob = page('bob')
    const first = await alice.invite('bob', { room: 'standup' })
    const declined = await bob.settleInvite(first.id, 'decline')
    expect(declined).toMatchObject({ id: first.id, status: 'declined' })
    const second = await alice.invite('bob', { room: 'standup' })
    expect((await alice.settleInvite(second.id, 'cancel')).status).toBe('cancelled')
    expect(notifications.map(({ kind, invite }) => `${kind} ${invite.id === first.id ? 'first' : 'second'}`)).toEqual(['ring first', 'ring second', 'cancelled second'])
    const late = await bob.settleInvite(second.id, 'accept').catch((error: unknown) => error)
    expect(late).toMatchObject({ code: 'CONFLICT' })
    expect((await calls.getInvite({ id: second.id, identity: 'bob' })).status).toBe('cancelled')
  })
})
