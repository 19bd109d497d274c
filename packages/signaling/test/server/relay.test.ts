import { describe, expect, it } from 'vitest'
import { RelayedRequestSchema } from '../../src/shared/protocol'
import { issueToken, nextEvent, recordEvents, request, roundTrip, useHarness } from './harness'

const harness = useHarness()

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' }
const candidate = { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host', sdpMid: '0', sdpMLineIndex: 0 }

async function threeMembersTwoRooms() {
  const { url } = await harness.startServer()
  const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
  const bob = await harness.joinMember(url, { identity: 'bob', room: 'standup' })
  const eve = await harness.joinMember(url, { identity: 'eve', room: 'retro' })
  return { url, alice, bob, eve, eveEvents: recordEvents(eve.client) }
}

describe('relay of webrtc_signal and data', () => {
  it('delivers a webrtc_signal to its target only, marked with the sender', async () => {
    const { alice, bob, eve, eveEvents } = await threeMembersTwoRooms()
    const received = nextEvent(bob.client, 'request')
    const message = { type: 'command', to: bob.client.id, command: { command: 'webrtc_signal', description: offer } }
    expect(await request(alice.client, message)).toEqual({ result: {}, error: null })
    const [relayed] = await received
    expect(RelayedRequestSchema.parse(relayed)).toEqual({ ...message, from: alice.client.id })

    const answered = nextEvent(alice.client, 'request')
    await request(bob.client, { type: 'command', to: alice.client.id, command: { command: 'webrtc_signal', candidate } })
    expect((await answered)[0]).toEqual({ type: 'command', from: bob.client.id, to: alice.client.id, command: { command: 'webrtc_signal', candidate } })
    await roundTrip(eve.client)
    expect(eveEvents).toEqual([])
  })

  it('broadcasts data without `to` to the rest of the room, and only there', async () => {
    const { alice, bob, eve, eveEvents } = await threeMembersTwoRooms()
    const aliceEvents = recordEvents(alice.client)
    const received = nextEvent(bob.client, 'request')
    expect(await request(alice.client, { type: 'command', command: { command: 'data', data: 'hello room' } })).toEqual({ result: {}, error: null })
    expect((await received)[0]).toEqual({ type: 'command', from: alice.client.id, command: { command: 'data', data: 'hello room' } })
    await roundTrip(eve.client, alice.client)
    expect(eveEvents).toEqual([])
    expect(aliceEvents).toEqual([])
    expect(eve.client.connected).toBe(true)
  })

  it('refuses to send to a member of another room, to oneself and to unknown ids, without delivering anything', async () => {
    const { alice, eve, eveEvents } = await threeMembersTwoRooms()
    const aliceEvents = recordEvents(alice.client)
    for (const to of [eve.client.id, alice.client.id, 'no-such-member', eve.roomId]) {
      const { result, error } = await request(alice.client, { type: 'command', to, command: { command: 'webrtc_signal', description: offer } })
      expect(result).toBeNull()
      expect(error?.code).toBe('MEMBER_NOT_FOUND')
    }
    const fromEve = await request(eve.client, { type: 'command', to: alice.client.id, command: { command: 'data', data: 'psst' } })
    expect(fromEve.error?.code).toBe('MEMBER_NOT_FOUND')
    await roundTrip(eve.client, alice.client)
    expect(eveEvents).toEqual([])
    expect(aliceEvents).toEqual([])
  })

  it('refuses webrtc_signal without a target', async () => {
    const { alice } = await threeMembersTwoRooms()
    const { error } = await request(alice.client, { type: 'command', command: { command: 'webrtc_signal', description: offer } })
    expect(error?.code).toBe('INVALID_INPUT')
  })

  it('refuses to relay for a socket that has not joined, even to members of its own room', async () => {
    const { url, alice } = await threeMembersTwoRooms()
    const aliceEvents = recordEvents(alice.client)
    const lurker = await harness.connect(url, 'lurker', { token: await issueToken({ identity: 'lurker', room: 'standup' }) })
    const { error } = await request(lurker, { type: 'command', to: alice.client.id, command: { command: 'data', data: 'hi' } })
    expect(error?.code).toBe('NOT_JOINED')
    const broadcast = await request(lurker, { type: 'command', command: { command: 'data', data: 'hi' } })
    expect(broadcast.error?.code).toBe('NOT_JOINED')
    await roundTrip(alice.client)
    expect(aliceEvents).toEqual([])
  })

  it('stops relaying to a member once it left', async () => {
    const { alice, bob } = await threeMembersTwoRooms()
    const bobEvents = recordEvents(bob.client)
    await request(bob.client, { type: 'auth', command: { command: 'leave' } })
    const { error } = await request(alice.client, { type: 'command', to: bob.client.id, command: { command: 'data', data: 'still there?' } })
    expect(error?.code).toBe('MEMBER_NOT_FOUND')
    await request(alice.client, { type: 'command', command: { command: 'data', data: 'anyone?' } })
    await roundTrip(bob.client)
    expect(bobEvents).toEqual([])
  })
})
