import { describe, expect, it } from 'vitest'
import { sendingMediaSections } from '../../src/server/sdp-direction'
import { issueToken, recordEvents, request, roundTrip, useHarness } from './harness'

const harness = useHarness()

/** An SDP as Chromium writes it, with the given session-level lines and media sections. */
function sdp(sessionLines: string[], sections: Array<{ m: string; lines: string[] }>): string {
  const head = ['v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1 2', ...sessionLines]
  const body = sections.flatMap(({ m, lines }, index) => [`m=${m}`, 'c=IN IP4 0.0.0.0', `a=mid:${index}`, ...lines])
  return `${[...head, ...body].join('\r\n')}\r\n`
}
const audio = (...lines: string[]) => ({ m: 'audio 9 UDP/TLS/RTP/SAVPF 111', lines: ['a=rtpmap:111 opus/48000/2', ...lines] })
const video = (...lines: string[]) => ({ m: 'video 9 UDP/TLS/RTP/SAVPF 96', lines: ['a=rtpmap:96 VP8/90000', ...lines] })
const dataChannel = { m: 'application 9 UDP/DTLS/SCTP webrtc-datachannel', lines: ['a=sctp-port:5000'] }

const sendingDescriptions: Array<[string, 'offer' | 'answer' | 'pranswer', string]> = [
  ['a sendrecv offer with audio and video', 'offer', sdp([], [audio('a=sendrecv'), video('a=sendrecv'), dataChannel])],
  ['a sendonly video section', 'offer', sdp([], [audio('a=recvonly'), video('a=sendonly')])],
  ['sections without a direction (sendrecv by default)', 'offer', sdp([], [audio(), video()])],
  ['a session-level sendrecv the sections inherit', 'offer', sdp(['a=sendrecv'], [audio(), video()])],
  ['a section overriding a session-level recvonly', 'offer', sdp(['a=recvonly'], [audio(), video('a=sendonly')])],
  ['a sendrecv answer', 'answer', sdp([], [audio('a=sendrecv'), dataChannel])],
  ['a sendonly provisional answer', 'pranswer', sdp([], [video('a=sendonly')])],
  ['an odd spelling, a=SendOnly', 'offer', sdp([], [audio('a=SendOnly')])],
  ['a port-0 section kept alive by bundle-only', 'offer', sdp([], [audio('a=recvonly'), { m: 'video 0 UDP/TLS/RTP/SAVPF 96', lines: ['a=bundle-only', 'a=sendrecv'] }])],
  ['two directions in one section, one of them sending', 'offer', sdp([], [video('a=recvonly', 'a=sendrecv')])],
  ['LF line endings', 'offer', sdp([], [audio('a=sendrecv')]).replaceAll('\r\n', '\n')],
]

const receivingDescriptions: Array<[string, 'offer' | 'answer', string]> = [
  ['recvonly audio and video', 'offer', sdp([], [audio('a=recvonly'), video('a=recvonly'), dataChannel])],
  ['a session-level recvonly the sections inherit', 'answer', sdp(['a=recvonly'], [audio(), video()])],
  ['inactive sections', 'answer', sdp([], [audio('a=inactive'), video('a=inactive')])],
  ['a data channel only', 'offer', sdp([], [dataChannel])],
  ['a rejected (port 0) sendrecv section', 'answer', sdp([], [{ m: 'video 0 UDP/TLS/RTP/SAVPF 96', lines: ['a=sendrecv'] }, dataChannel])],
]

describe('the SDP direction parser', () => {
  it.each(sendingDescriptions)('finds media sent in %s', (_case, _type, description) => {
    expect(sendingMediaSections(description).length).toBeGreaterThan(0)
  })
  it.each(receivingDescriptions)('finds none sent with %s', (_case, _type, description) => {
    expect(sendingMediaSections(description)).toEqual([])
  })
})

describe('a subscriber publishes nothing, on the server’s word', () => {
  const joinPair = async () => {
    const { url } = await harness.startServer()
    const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
    const bob = await harness.joinMember(url, { identity: 'bob', room: 'standup', role: 'subscriber' })
    return { url, alice, bob, aliceEvents: recordEvents(alice.client) }
  }
  const signal = (to: string, type: string, description: string) => ({ type: 'command', to, command: { command: 'webrtc_signal', description: { type, sdp: description } } })

  it.each(sendingDescriptions)('refuses %s from a subscriber (FORBIDDEN) and relays nothing', async (_case, type, description) => {
    const { alice, bob, aliceEvents } = await joinPair()
    const { result, error } = await request(bob.client, signal(alice.client.id!, type, description))
    expect(result).toBeNull()
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/subscriber may not send media/) })
    // Alice's server emitted anything it had for her before it answers her next message.
    await roundTrip(alice.client)
    expect(aliceEvents).toEqual([])
  })

  it.each(receivingDescriptions)('relays %s from a subscriber', async (_case, type, description) => {
    const { alice, bob } = await joinPair()
    const relayed = new Promise<unknown[]>((resolve) => alice.client.once('request', (...parts: unknown[]) => resolve(parts)))
    expect(await request(bob.client, signal(alice.client.id!, type, description))).toEqual({ result: {}, error: null })
    expect((await relayed)[0]).toMatchObject({ from: bob.client.id, command: { description: { type, sdp: description } } })
  })

  it('still relays a publisher’s sendrecv offer to a subscriber', async () => {
    const { alice, bob } = await joinPair()
    const offer = sdp([], [audio('a=sendrecv'), video('a=sendrecv')])
    const relayed = new Promise<unknown[]>((resolve) => bob.client.once('request', (...parts: unknown[]) => resolve(parts)))
    expect((await request(alice.client, signal(bob.client.id!, 'offer', offer))).error).toBeNull()
    expect((await relayed)[0]).toMatchObject({ from: alice.client.id })
  })

  it('refuses a subscriber’s data broadcast, and lets it answer one member', async () => {
    const { alice, bob, aliceEvents } = await joinPair()
    const broadcast = await request(bob.client, { type: 'command', command: { command: 'data', data: 'to everyone' } })
    expect(broadcast.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/may not broadcast/) })
    await roundTrip(alice.client)
    expect(aliceEvents).toEqual([])
    const direct = await request(bob.client, { type: 'command', to: alice.client.id, command: { command: 'data', data: 'to alice' } })
    expect(direct.error).toBeNull()
  })

  it('refuses props that claim audio or video from a subscriber, at join and later, and announces none of them', async () => {
    const { url, alice, bob, aliceEvents } = await joinPair()
    for (const props of [{ audio: true, video: true }, { audio: true }, { video: true, display_name: 'Bob' }]) {
      const { error } = await request(bob.client, { type: 'auth', command: { command: 'props_set', props } })
      expect(error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/subscriber may not publish media/) })
    }
    expect((await request(bob.client, { type: 'auth', command: { command: 'props_set', props: { audio: false, display_name: 'Bob' } } })).error).toBeNull()
    await roundTrip(alice.client)
    expect(aliceEvents.map(({ event, parts }) => [event, parts[1]])).toEqual([['on_props_set', { audio: false, display_name: 'Bob' }]])

    const carol = await harness.connect(url, 'carol', { token: await issueToken({ identity: 'carol', room: 'standup', role: 'subscriber' }) })
    const join = await request(carol, { type: 'auth', command: { command: 'join', room_id: alice.roomId, props: { video: true } } })
    expect(join.error).toMatchObject({ code: 'FORBIDDEN' })
    await roundTrip(alice.client)
    expect(aliceEvents.filter(({ event }) => event === 'on_join')).toEqual([])
  })
})
