import { connectionEventNames, type ConnectionEvents, type Token } from '@callport/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHub, joinMemoryRoom, memory, MemoryTrack, type MemoryConnection, type MemoryHub } from './index'

let hub: MemoryHub
beforeEach(() => {
  hub = createMemoryHub()
})
afterEach(() => {
  hub.reset()
  vi.useRealTimers()
})

const join = (identity: string, extra: { audio?: boolean; video?: boolean; ttlSeconds?: number; room?: string } = {}) =>
  joinMemoryRoom({ hub, room: extra.room ?? 'standup', participant: identity, ...extra })

/** Records every event a connection emits, in order, as [name, first argument]. */
function record(connection: MemoryConnection): Array<[keyof ConnectionEvents, unknown]> {
  const seen: Array<[keyof ConnectionEvents, unknown]> = []
  for (const name of connectionEventNames) connection.on(name, (...args: unknown[]) => seen.push([name, args[0]]))
  return seen
}

const issue = async (identity: string, room = 'standup', ttlSeconds = 60): Promise<Token> => {
  const provider = memory({ hub })
  return provider.issueToken({ room: await provider.ensureRoom({ name: room }), participant: { identity, role: 'publisher' }, ttlSeconds })
}

describe('memory connection: participants', () => {
  it('tells members already there about a newcomer, and lists each other', async () => {
    const alice = await join('alice')
    const seen = record(alice)
    const bob = await join('bob')
    expect(seen).toEqual([['participant-joined', { participant: bob.localParticipant, raw: { type: 'member-joined', identity: 'bob' } }]])
    expect(alice.participants()).toEqual([bob.localParticipant])
    expect(bob.participants()).toEqual([alice.localParticipant])
  })

  it('keeps rooms apart', async () => {
    const alice = await join('alice')
    const seen = record(alice)
    await join('bob', { room: 'retro' })
    expect(seen).toEqual([])
    expect(alice.participants()).toEqual([])
  })

  it('on disconnect: others see its tracks go, then it leave; it gets no event itself', async () => {
    const alice = await join('alice')
    const bob = await join('bob', { video: true })
    const seenByAlice = record(alice)
    const seenByBob = record(bob)
    await bob.disconnect()
    expect(seenByAlice.map(([name]) => name)).toEqual(['track-unsubscribed', 'participant-left'])
    expect(seenByBob).toEqual([])
    expect(hub.members('standup').map((member) => member.identity)).toEqual(['alice'])
  })

  it('a second connection with the same identity ends the first with "duplicate-identity"', async () => {
    const first = await join('alice')
    const seen = record(first)
    const second = await join('alice')
    expect(seen).toEqual([['disconnected', expect.objectContaining({ reason: 'duplicate-identity' })]])
    expect(hub.members('standup')).toEqual([second.localParticipant])
  })
})

describe('memory connection: synthetic tracks', () => {
  it('enabling and disabling camera and microphone subscribes and unsubscribes the others', async () => {
    const alice = await join('alice')
    const bob = await join('bob')
    const seen = record(alice)
    await bob.setCameraEnabled(true)
    await bob.setMicrophoneEnabled(true)
    await bob.setCameraEnabled(true)
    await bob.setCameraEnabled(false)
    const tracks = seen.map(([name, event]) => [name, (event as { track: MemoryTrack }).track.kind, (event as { participant: { identity: string } }).participant.identity])
    expect(tracks).toEqual([
      ['track-subscribed', 'video', 'bob'],
      ['track-subscribed', 'audio', 'bob'],
      ['track-unsubscribed', 'video', 'bob'],
    ])
    const [subscribed, , unsubscribed] = seen.map(([, event]) => (event as { track: MemoryTrack }).track)
    expect(unsubscribed).toBe(subscribed)
    expect(subscribed).toBeInstanceOf(MemoryTrack)
    expect(subscribed?.mediaStreamTrack).toBeUndefined()
  })

  it('a newcomer receives tracks published before it joined, after a zero-delay timer', async () => {
    vi.useFakeTimers()
    await join('alice', { audio: true, video: true })
    const bob = await join('bob')
    const seen = record(bob)
    expect(seen).toEqual([])
    await vi.advanceTimersByTimeAsync(0)
    expect(seen.map(([name, event]) => [name, (event as { track: MemoryTrack }).track.source])).toEqual([
      ['track-subscribed', 'microphone'],
      ['track-subscribed', 'camera'],
    ])
  })

  it('setTrackMuted mutes and unmutes a published track, which stays subscribed; unpublished sources and repeats are no-ops', async () => {
    const alice = await join('alice')
    const bob = await join('bob')
    const seen = record(alice)
    await bob.setTrackMuted('camera', true)
    await bob.setCameraEnabled(true)
    await bob.setTrackMuted('camera', true)
    await bob.setTrackMuted('camera', true)
    await bob.setTrackMuted('camera', false)
    const names = seen.map(([name, event]) => [name, (event as { track: MemoryTrack }).track.source, (event as { participant: { identity: string } }).participant.identity])
    expect(names).toEqual([
      ['track-subscribed', 'camera', 'bob'],
      ['track-muted', 'camera', 'bob'],
      ['track-unmuted', 'camera', 'bob'],
    ])
    const [subscribed, muted, unmuted] = seen.map(([, event]) => (event as { track: MemoryTrack }).track)
    expect(muted).toBe(subscribed)
    expect(unmuted).toBe(subscribed)
  })

  it('a newcomer receives a muted track as track-subscribed, then track-muted', async () => {
    vi.useFakeTimers()
    const alice = await join('alice', { video: true })
    await alice.setTrackMuted('camera', true)
    const bob = await join('bob')
    const seen = record(bob)
    await vi.advanceTimersByTimeAsync(0)
    expect(seen.map(([name, event]) => [name, (event as { track: MemoryTrack }).track.source])).toEqual([
      ['track-subscribed', 'camera'],
      ['track-muted', 'camera'],
    ])
  })

  it('a camera unpublished while muted is published again unmuted', async () => {
    const alice = await join('alice')
    const bob = await join('bob', { video: true })
    await bob.setTrackMuted('camera', true)
    await bob.setCameraEnabled(false)
    const seen = record(alice)
    await bob.setCameraEnabled(true)
    expect(seen.map(([name]) => name)).toEqual(['track-subscribed'])
  })

  it('each subscriber gets its own track object for the same publication', async () => {
    const bob = await join('bob')
    const carol = await join('carol')
    const tracks: MemoryTrack[] = []
    for (const connection of [bob, carol]) connection.on('track-subscribed', ({ track }) => tracks.push(track as MemoryTrack))
    const alice = await join('alice')
    await alice.setCameraEnabled(true)
    expect(tracks).toHaveLength(2)
    expect(tracks[0]).not.toBe(tracks[1])
    expect(tracks[0]?.id).toBe(tracks[1]?.id)
  })
})

describe('memory connection: data', () => {
  it('delivers to everyone else, or only to the identities named', async () => {
    const alice = await join('alice')
    const bob = await join('bob')
    const carol = await join('carol')
    const received = { alice: vi.fn(), bob: vi.fn(), carol: vi.fn() }
    alice.on('data-received', received.alice)
    bob.on('data-received', received.bob)
    carol.on('data-received', received.carol)
    await alice.sendData('to all')
    await alice.sendData('to carol', { to: ['carol'] })
    expect(received.alice).not.toHaveBeenCalled()
    expect(received.bob.mock.calls.map(([event]) => event.data)).toEqual(['to all'])
    expect(received.carol.mock.calls.map(([event]) => [event.data, event.participant.identity])).toEqual([
      ['to all', 'alice'],
      ['to carol', 'alice'],
    ])
  })

  it('refuses to send once disconnected, with CONNECTION_FAILED', async () => {
    const alice = await join('alice')
    await alice.disconnect()
    await expect(alice.sendData('late')).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: false })
  })
})

describe('memory connection: token expiry', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') })
  })

  it('ends with "token-expired" when exp passes, not before', async () => {
    const alice = await join('alice', { ttlSeconds: 60 })
    const seen = record(alice)
    await vi.advanceTimersByTimeAsync(59_999)
    expect(seen).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(seen).toEqual([['disconnected', expect.objectContaining({ reason: 'token-expired' })]])
    expect(hub.members('standup')).toEqual([])
  })

  it('updateToken moves the expiry to the new token’s exp', async () => {
    const alice = await join('alice', { ttlSeconds: 60 })
    const seen = record(alice)
    await vi.advanceTimersByTimeAsync(30_000)
    await alice.updateToken(await issue('alice', 'standup', 120))
    await vi.advanceTimersByTimeAsync(119_999)
    expect(seen).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(seen).toEqual([['disconnected', expect.objectContaining({ reason: 'token-expired' })]])
  })

  it('updateToken refuses another identity or another room with INVALID_INPUT, and a forged token with UNAUTHORIZED', async () => {
    const alice = await join('alice')
    await expect(alice.updateToken(await issue('bob'))).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(alice.updateToken(await issue('alice', 'retro'))).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    const fresh = await issue('alice')
    await expect(alice.updateToken({ ...fresh, value: `${fresh.value}x` })).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
  })

  it('updateToken refuses an expired token with TOKEN_EXPIRED', async () => {
    const alice = await join('alice', { ttlSeconds: 3600 })
    const short = await issue('alice', 'standup', 10)
    await vi.advanceTimersByTimeAsync(10_000)
    await expect(alice.updateToken(short)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' })
  })
})
