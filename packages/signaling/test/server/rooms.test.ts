import { describe, expect, it, vi } from 'vitest'
import { JoinResultSchema, MemberSchema } from '../../src/shared/protocol'
import { issueToken, nextEvent, recordEvents, request, roundTrip, useHarness } from './harness'

const harness = useHarness()

const roomIdGet = (name: string) => ({ type: 'auth', command: { command: 'room_id_get', auth_room_name_mask: name } })
const join = (roomId: string, props: Record<string, unknown> = {}) => ({ type: 'auth', command: { command: 'join', room_id: roomId, props } })

describe('room_id_get', () => {
  it('answers the same id for the same room on every connection and server, and FORBIDDEN for other rooms', async () => {
    const first = await harness.startServer()
    const second = await harness.startServer()
    const alice = await harness.connect(first.url, 'alice', { token: await issueToken({ identity: 'alice', room: 'standup' }) })
    const bob = await harness.connect(second.url, 'bob', { token: await issueToken({ identity: 'bob', room: 'standup' }) })

    const fromAlice = await request(alice, roomIdGet('standup'))
    const fromBob = await request(bob, roomIdGet('standup'))
    expect(fromAlice.error).toBeNull()
    expect(fromAlice.result).toEqual({ room_id: fromBob.result && (fromBob.result as { room_id: string }).room_id })
    expect(fromAlice.result).toEqual({ room_id: alice.info.server_metadata.room_id })

    const other = await request(alice, roomIdGet('retro'))
    expect(other.result).toBeNull()
    expect(other.error?.code).toBe('FORBIDDEN')
  })

  it('follows the documented rule: rm_ + the first 24 hex digits of sha256(name)', async () => {
    const { url } = await harness.startServer()
    const alice = await harness.connect(url, 'alice', { token: await issueToken({ identity: 'alice', room: 'standup' }) })
    const { result } = await request(alice, roomIdGet('standup'))
    expect(result).toEqual({ room_id: `rm_${STANDUP_SHA256.slice(0, 24)}` })
  })
})

describe('join, members, on_join, on_leave', () => {
  it('answers the other members and announces the newcomer to them', async () => {
    const { url } = await harness.startServer()
    const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup', name: 'Alice A.' }, { audio: true, video: false })
    expect(alice.joined).toEqual({ room_id: alice.roomId, members: [] })

    const announced = nextEvent(alice.client, 'on_join')
    const bob = await harness.joinMember(url, { identity: 'bob', room: 'standup', role: 'subscriber' }, { audio: false, display_name: 'Bobby' })
    expect(JoinResultSchema.safeParse(bob.joined).success).toBe(true)
    expect(bob.joined.members).toEqual([{ id: alice.client.id, name: 'alice', role: 'publisher', join_props: { audio: true, video: false, display_name: 'Alice A.' } }])

    const [memberId, member] = await announced
    expect(memberId).toBe(bob.client.id)
    expect(MemberSchema.parse(member)).toEqual({ id: bob.client.id, name: 'bob', role: 'subscriber', join_props: { audio: false, display_name: 'Bobby' } })
  })

  it('keeps the display name and metadata the token carries over what the client claims', async () => {
    const { url } = await harness.startServer()
    const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
    const announced = nextEvent(alice.client, 'on_join')
    await harness.joinMember(url, { identity: 'bob', room: 'standup', name: 'Bob B.', metadata: { team: 'core' } }, { display_name: 'Admin', metadata: { admin: true } })
    const [, member] = await announced
    expect((member as { join_props: unknown }).join_props).toEqual({ display_name: 'Bob B.', metadata: { team: 'core' } })
  })

  it('refuses to join another room than the token grants', async () => {
    const { url } = await harness.startServer()
    const alice = await harness.connect(url, 'alice', { token: await issueToken({ identity: 'alice', room: 'standup' }) })
    const bob = await harness.connect(url, 'bob', { token: await issueToken({ identity: 'bob', room: 'retro' }) })
    const { result, error } = await request(alice, join(String(bob.info.server_metadata.room_id)))
    expect(result).toBeNull()
    expect(error?.code).toBe('FORBIDDEN')
  })

  it('answers a second join with the current members and announces nobody twice', async () => {
    const { url } = await harness.startServer()
    const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
    const bob = await harness.joinMember(url, { identity: 'bob', room: 'standup' })
    const aliceEvents = recordEvents(alice.client)
    const again = await request(bob.client, join(bob.roomId))
    expect(again.error).toBeNull()
    expect((again.result as { members: Array<{ id: string }> }).members.map((member) => member.id)).toEqual([alice.client.id])
    await roundTrip(alice.client)
    expect(aliceEvents).toEqual([])
  })

  it('reports on_leave when a member leaves, and when one disconnects', async () => {
    const { url } = await harness.startServer()
    const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
    const bob = await harness.joinMember(url, { identity: 'bob', room: 'standup' })
    const carol = await harness.joinMember(url, { identity: 'carol', room: 'standup' })

    const bobLeft = nextEvent(alice.client, 'on_leave')
    expect(await request(bob.client, { type: 'auth', command: { command: 'leave' } })).toEqual({ result: {}, error: null })
    expect(await bobLeft).toEqual([bob.client.id])

    const carolId = carol.client.id
    const carolLeft = nextEvent(alice.client, 'on_leave')
    carol.client.disconnect()
    expect(await carolLeft).toEqual([carolId])

    const dave = await harness.joinMember(url, { identity: 'dave', room: 'standup' })
    expect(dave.joined.members.map((member) => member.id)).toEqual([alice.client.id])
  })

  it('lets a member that left join again', async () => {
    const { url } = await harness.startServer()
    const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
    const bob = await harness.joinMember(url, { identity: 'bob', room: 'standup' })
    await request(bob.client, { type: 'auth', command: { command: 'leave' } })
    const rejoined = nextEvent(alice.client, 'on_join')
    const again = await request(bob.client, join(bob.roomId))
    expect((again.result as { members: Array<{ id: string }> }).members.map((member) => member.id)).toEqual([alice.client.id])
    expect((await rejoined)[0]).toBe(bob.client.id)
  })

  it('kicks the older connection when the same identity joins the room again', async () => {
    const { url } = await harness.startServer()
    const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
    const stale = await harness.joinMember(url, { identity: 'bob', room: 'standup' })
    const staleId = stale.client.id
    const kicked = nextEvent(stale.client, 'on_kick')
    const staleLeft = nextEvent(alice.client, 'on_leave')
    const fresh = await harness.joinMember(url, { identity: 'bob', room: 'standup' })

    expect(fresh.joined.members.map((member) => member.id)).toEqual([alice.client.id])
    expect((await kicked)[0]).toMatchObject({ reason: 'duplicate_identity' })
    expect(await staleLeft).toEqual([staleId])
    await vi.waitFor(() => expect(stale.client.connected).toBe(false))
    expect(fresh.client.connected).toBe(true)
  })
})

describe('props_set', () => {
  it('merges the props and sends the result to the others as on_props_set', async () => {
    const { url } = await harness.startServer()
    const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
    const bob = await harness.joinMember(url, { identity: 'bob', room: 'standup' }, { audio: true, video: true })
    const changed = nextEvent(alice.client, 'on_props_set')
    const { result, error } = await request(bob.client, { type: 'auth', command: { command: 'props_set', props: { video: false } } })
    expect(error).toBeNull()
    expect(result).toEqual({ props: { audio: true, video: false } })
    expect(await changed).toEqual([bob.client.id, { audio: true, video: false }])

    const carol = await harness.joinMember(url, { identity: 'carol', room: 'standup' })
    expect(carol.joined.members.find((member) => member.id === bob.client.id)).toMatchObject({ join_props: { audio: true, video: false } })
  })

  it('is refused before joining', async () => {
    const { url } = await harness.startServer()
    const alice = await harness.connect(url, 'alice', { token: await issueToken({ identity: 'alice', room: 'standup' }) })
    const { error } = await request(alice, { type: 'auth', command: { command: 'props_set', props: { audio: false } } })
    expect(error?.code).toBe('NOT_JOINED')
  })
})

/** `printf standup | sha256sum`, computed outside this code. */
const STANDUP_SHA256 = 'c0fbdc38b1762851a9221b774a130fd2ae0bf78c61bd69eb334f8cd2caa08319'
