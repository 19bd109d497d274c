import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expectCallportError } from '@callport/testkit'
import { describe, expect, it } from 'vitest'
import { createSignalingServer, signaling } from '../../src/server/index'
import { ADMIN_AUDIENCE } from '../../src/server/admin-protocol'
import { issueToken, nextEvent, recordEvents, request, roundTrip, SECRET, signClaims, useHarness } from './harness'

const harness = useHarness()

/** A server with alice (microphone and camera on) and bob in "standup", and the server half pointed at it. */
async function standup() {
  const { url } = await harness.startServer()
  const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup', name: 'Alice', role: 'moderator' }, { audio: true, video: true })
  const bobJoins = nextEvent(alice.client, 'on_join')
  const bob = await harness.joinMember(url, { identity: 'bob', room: 'standup', metadata: { team: 'web' } }, { audio: true })
  await bobJoins
  const adapter = signaling({ secret: SECRET, url: url.replace(/^http/, 'ws') })
  const room = await adapter.ensureRoom({ name: 'standup' })
  return { url, alice, bob, adapter, room }
}

function adminToken(claims: Record<string, unknown> = {}, secret = SECRET): string {
  const now = Math.floor(Date.now() / 1000)
  return signClaims({ iss: 'callport-signaling', aud: ADMIN_AUDIENCE, room: 'standup', iat: now, exp: now + 60, ...claims }, secret)
}

describe('moderation through the admin API (server half → signaling server)', () => {
  it('lists the members of the room as participants', async () => {
    const { alice, bob, adapter, room } = await standup()
    const participants = await adapter.listParticipants!({ room })
    expect(participants).toEqual([
      { identity: 'alice', role: 'moderator', name: 'Alice', providerParticipantId: alice.client.id },
      { identity: 'bob', role: 'publisher', metadata: { team: 'web' }, providerParticipantId: bob.client.id },
    ])
    expect(await adapter.listParticipants!({ room: await adapter.ensureRoom({ name: 'empty' }) })).toEqual([])
  })

  it('mutes: on_mute to the member, its props set false and the room told with on_props_set', async () => {
    const { url, alice, bob, adapter, room } = await standup()
    const told = nextEvent(alice.client, 'on_mute')
    const bobSees = nextEvent(bob.client, 'on_props_set')
    await adapter.muteParticipant!({ room, identity: 'alice', kind: 'audio' })
    expect(await told).toEqual([{ kind: 'audio' }])
    expect(await bobSees).toEqual([alice.client.id, { audio: false, video: true, display_name: 'Alice' }])
    // A member joining later sees the muted props.
    const carol = await harness.joinMember(url, { identity: 'carol', room: 'standup' })
    expect(carol.joined.members.find((member) => member.name === 'alice')).toMatchObject({ join_props: { audio: false, video: true } })

    const camera = nextEvent(alice.client, 'on_mute')
    await adapter.muteParticipant!({ room, identity: 'alice', kind: 'video' })
    expect(await camera).toEqual([{ kind: 'video' }])
    // Muting what is muted succeeds.
    await adapter.muteParticipant!({ room, identity: 'alice', kind: 'video' })
    await expectCallportError(adapter.muteParticipant!({ room, identity: 'nobody', kind: 'audio' }), ['PARTICIPANT_NOT_FOUND'])
  })

  it('updates: the others see on_props_set with the new display_name and metadata; they hold against the member and for later joiners', async () => {
    const { url, alice, bob, adapter, room } = await standup()
    const aliceSees = nextEvent(alice.client, 'on_props_set')
    const bobEvents = recordEvents(bob.client)
    await adapter.updateParticipant!({ room, identity: 'bob', name: 'Bob B. 李', metadata: { team: 'mobile', seat: 3 } })
    expect(await aliceSees).toEqual([bob.client.id, { audio: true, display_name: 'Bob B. 李', metadata: { team: 'mobile', seat: 3 } }])
    // Metadata alone: the name stays, the object is replaced whole.
    const again = nextEvent(alice.client, 'on_props_set')
    await adapter.updateParticipant!({ room, identity: 'bob', metadata: { away: true } })
    expect(await again).toEqual([bob.client.id, { audio: true, display_name: 'Bob B. 李', metadata: { away: true } }])
    expect((await adapter.listParticipants!({ room })).find((listed) => listed.identity === 'bob')).toMatchObject({ name: 'Bob B. 李', metadata: { away: true } })
    // As a credential's name and metadata, the member's own props_set cannot undo them.
    const afterOwn = nextEvent(alice.client, 'on_props_set')
    expect(
      (await request(bob.client, { type: 'auth', command: { command: 'props_set', props: { display_name: 'Mallory', metadata: { admin: true }, video: true } } })).error,
    ).toBeNull()
    expect(await afterOwn).toEqual([bob.client.id, { audio: true, video: true, display_name: 'Bob B. 李', metadata: { away: true } }])
    // Someone joining later sees them.
    const carol = await harness.joinMember(url, { identity: 'carol', room: 'standup' })
    expect(carol.joined.members.find((member) => member.name === 'bob')).toMatchObject({ join_props: { display_name: 'Bob B. 李', metadata: { away: true } } })
    await roundTrip(bob.client)
    expect(
      bobEvents.filter(({ event }) => event === 'on_props_set'),
      'the member itself is not sent its own props',
    ).toEqual([])
    await expectCallportError(adapter.updateParticipant!({ room, identity: 'nobody', name: 'Nobody' }), ['PARTICIPANT_NOT_FOUND'])
  })

  it('removes: on_kick { reason: removed } then disconnect; the others see the member leave', async () => {
    const { alice, bob, adapter, room } = await standup()
    const kicked = nextEvent(bob.client, 'on_kick')
    const gone = nextEvent(bob.client, 'disconnect')
    const aliceSees = nextEvent(alice.client, 'on_leave')
    const bobId = bob.client.id
    await adapter.removeParticipant!({ room, identity: 'bob' })
    expect(await kicked).toEqual([{ reason: 'removed', message: expect.any(String) }])
    await gone
    expect(await aliceSees).toEqual([bobId])
    expect((await adapter.listParticipants!({ room })).map((participant) => participant.identity)).toEqual(['alice'])
    await expectCallportError(adapter.removeParticipant!({ room, identity: 'bob' }), ['PARTICIPANT_NOT_FOUND'])
    expect(alice.client.connected).toBe(true)
  })

  it('refuses the removed member the credentials it held; a credential issued after the removal admits it', async () => {
    const { url, adapter, room } = await standup()
    const now = Math.floor(Date.now() / 1000)
    const held = signClaims({ iss: 'callport-signaling', sub: 'bob', room: 'standup', role: 'publisher', iat: now - 10, exp: now + 600 })
    await adapter.removeParticipant!({ room, identity: 'bob' })
    const { refusal } = await harness.refuse(url, 'bob', { token: held })
    expect(refusal.data).toEqual({ code: 'UNAUTHORIZED', message: expect.stringMatching(/removed you/) })
    // Other identities, and bob in other rooms, are not affected.
    await harness.connect(url, 'bob', { token: await issueToken({ identity: 'bob', room: 'retro' }) })
    const fresh = signClaims({ iss: 'callport-signaling', sub: 'bob', room: 'standup', role: 'publisher', iat: now + 2, exp: now + 600 })
    await harness.connect(url, 'bob', { token: fresh })
  })

  it('closes the room: on_kick { reason: room_closed } to every member, and no one else', async () => {
    const { url, alice, bob, adapter, room } = await standup()
    const other = await harness.joinMember(url, { identity: 'eve', room: 'retro' })
    const otherEvents = recordEvents(other.client)
    const kicks = [alice, bob].map(({ client }) => nextEvent(client, 'on_kick'))
    await adapter.closeRoom!({ room })
    for (const kick of await Promise.all(kicks)) expect(kick).toEqual([{ reason: 'room_closed', message: expect.any(String) }])
    await roundTrip(other.client)
    expect(otherEvents).toEqual([])
    await expect.poll(() => adapter.listParticipants!({ room })).toEqual([])
    // Closing an empty room succeeds.
    await adapter.closeRoom!({ room })
  })
})

describe('admin API authentication and validation', () => {
  it('refuses requests without an admin token for that room: no token, a participant credential, another secret, another room, expired, long-lived', async () => {
    const { url, bob } = await standup()
    const target = `${url}/callport/v1/rooms/standup/participants`
    const now = Math.floor(Date.now() / 1000)
    const participantToken = await issueToken({ identity: 'mallory', room: 'standup', role: 'moderator' })
    const cases: Array<[string | undefined, number]> = [
      [undefined, 401],
      [participantToken, 401],
      [adminToken({}, 'another-secret-0123456789-abcdefghijklmnopqrstuvwxyz'), 401],
      [adminToken({ aud: 'callport-signaling' }), 401],
      [adminToken({ room: 'retro' }), 403],
      [adminToken({ iat: now - 120, exp: now - 60 }), 401],
      [adminToken({ exp: now + 3600 }), 401],
    ]
    for (const [token, status] of cases) {
      const response = await fetch(target, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })
      expect(response.status, token).toBe(status)
      expect(await response.json()).toMatchObject({ code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN' })
    }
    // None of them removed anyone.
    const removeAttempt = await fetch(`${url}/callport/v1/rooms/standup/participants/bob`, { method: 'DELETE', headers: { authorization: `Bearer ${participantToken}` } })
    expect(removeAttempt.status).toBe(401)
    expect(bob.client.connected).toBe(true)
    const allowed = await fetch(target, { headers: { authorization: `Bearer ${adminToken()}` } })
    expect(allowed.status).toBe(200)
  })

  it('validates routes, methods and the mute body', async () => {
    const { url, alice } = await standup()
    const events = recordEvents(alice.client)
    const authorization = `Bearer ${adminToken()}`
    const mute = `${url}/callport/v1/rooms/standup/participants/alice/mute`
    const post = (body: string, type = 'application/json') => fetch(mute, { method: 'POST', headers: { authorization, 'content-type': type }, body })
    expect((await post('{"kind":"screen"}')).status).toBe(400)
    expect((await post('{"kind":"audio","extra":1}')).status).toBe(400)
    expect((await post('not json')).status).toBe(400)
    expect((await post('{"kind":"audio"}', 'text/plain')).status).toBe(415)
    expect((await post(JSON.stringify({ kind: 'audio', pad: 'x'.repeat(4096) }))).status).toBe(413)
    const wrongMethod = await fetch(mute, { headers: { authorization } })
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get('allow')).toBe('POST')
    const participant = `${url}/callport/v1/rooms/standup/participants/alice`
    const patch = (body: string) => fetch(participant, { method: 'PATCH', headers: { authorization, 'content-type': 'application/json' }, body })
    for (const body of ['{}', '{"name":""}', `{"name":"${'x'.repeat(257)}"}`, '{"metadata":"x"}', '{"name":"A","role":"moderator"}', 'null']) {
      expect((await patch(body)).status, body).toBe(400)
    }
    expect((await patch(JSON.stringify({ metadata: { pad: 'x'.repeat(17 * 1024) } }))).status).toBe(413)
    const putParticipant = await fetch(participant, { method: 'PUT', headers: { authorization } })
    expect(putParticipant.status).toBe(405)
    expect(putParticipant.headers.get('allow')).toBe('DELETE, PATCH')
    expect((await fetch(`${url}/callport/v1/rooms/standup/nothing`, { headers: { authorization } })).status).toBe(404)
    expect((await fetch(`${url}/callport/v1/rooms/two%20words/participants`, { headers: { authorization } })).status).toBe(400)
    await roundTrip(alice.client)
    expect(events).toEqual([])
  })

  it('serves the admin API beside the request listeners of a server it is attached to', async () => {
    const http: Server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' })
      response.end('app')
    })
    const signalingServer = createSignalingServer({ secret: SECRET })
    await signalingServer.attach(http)
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
      expect(await (await fetch(`${url}/anything`)).text()).toBe('app')
      const listed = await fetch(`${url}/callport/v1/rooms/standup/participants`, { headers: { authorization: `Bearer ${adminToken()}` } })
      expect(await listed.json()).toEqual({ participants: [] })
      const member = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
      const adapter = signaling({ secret: SECRET, url })
      expect((await adapter.listParticipants!({ room: await adapter.ensureRoom({ name: 'standup' }) })).map((participant) => participant.identity)).toEqual(['alice'])
      member.client.disconnect()
    } finally {
      await signalingServer.close()
    }
  })
})
