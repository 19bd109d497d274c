import { CallportError, TokenSchema, type ErrorCode } from '@callport/core'
import { verifyHs256Jwt } from '@callport/provider-utils/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHub, defaultMemoryHub, memory, type MemoryHub } from './index'

const alice = { identity: 'alice', name: 'Alice', role: 'moderator' as const, metadata: { team: 'blue' } }
const connectOptions = { audio: false, video: false, refreshToken: () => Promise.reject(new Error('not used')) }

async function codeOf(operation: Promise<unknown>): Promise<ErrorCode | 'resolved'> {
  return operation.then(
    () => 'resolved' as const,
    (error: unknown) => (CallportError.isInstance(error) ? error.code : Promise.reject(error)),
  )
}

describe('memory provider', () => {
  const hubs: MemoryHub[] = []
  const newHub = (secret?: string): MemoryHub => {
    const hub = createMemoryHub(secret === undefined ? {} : { secret })
    hubs.push(hub)
    return hub
  }
  afterEach(() => {
    vi.useRealTimers()
    for (const hub of hubs.splice(0)) hub.reset()
  })

  it('is one object serving as both halves, with every optional server method present', () => {
    const provider = memory({ hub: newHub() })
    expect(provider).toMatchObject({ provider: 'memory', specificationVersion: 'v1' })
    expect(provider.capabilities).toMatchObject({ getRoom: true, listParticipants: true, removeParticipant: true, closeRoom: true, webhooks: true })
    expect(provider.capabilities).toMatchObject({ media: 'tracks', updateToken: true, sendData: true, trackMuteEvents: true })
    expect(typeof provider.connect).toBe('function')
    expect(typeof provider.webhook.verify).toBe('function')
  })

  it('shares the process-wide hub when given none', async () => {
    const name = `shared-${Date.now()}`
    const room = await memory().ensureRoom({ name })
    try {
      expect(memory().hub).toBe(defaultMemoryHub())
      expect(await memory().getRoom({ name })).toEqual(room)
    } finally {
      await memory().closeRoom({ room })
    }
  })

  it('keeps hubs apart: a room on one hub is unknown on another', async () => {
    await memory({ hub: newHub() }).ensureRoom({ name: 'standup' })
    expect(await memory({ hub: newHub() }).getRoom({ name: 'standup' })).toBeNull()
  })

  it('refuses a room name outside the core rule with INVALID_INPUT', async () => {
    expect(await codeOf(memory({ hub: newHub() }).ensureRoom({ name: 'has space' }))).toBe('INVALID_INPUT')
  })

  it('signs the token with the hub secret, binding room, identity, role and exp', async () => {
    const hub = newHub('a-test-secret')
    const provider = memory({ hub })
    const room = await provider.ensureRoom({ name: 'standup' })
    const token = TokenSchema.parse(await provider.issueToken({ room, participant: alice, ttlSeconds: 90 }))
    const claims = verifyHs256Jwt(token.value, 'a-test-secret')
    expect(claims).toMatchObject({ room: 'standup', providerRoomId: room.providerRoomId, identity: 'alice', role: 'moderator', name: 'Alice', metadata: { team: 'blue' } })
    expect(claims.exp).toBe(Date.parse(token.expiresAt) / 1000)
    expect(claims.exp! - claims.iat!).toBe(90)
    const again = await provider.issueToken({ room, participant: alice, ttlSeconds: 90 })
    expect(again.value).not.toBe(token.value)
  })

  it('refuses to issue a token for a room that is not live', async () => {
    const provider = memory({ hub: newHub() })
    const room = await provider.ensureRoom({ name: 'standup' })
    await provider.closeRoom({ room })
    expect(await codeOf(provider.issueToken({ room, participant: alice, ttlSeconds: 60 }))).toBe('ROOM_NOT_FOUND')
  })

  it('refuses an invalid participant with INVALID_INPUT', async () => {
    const provider = memory({ hub: newHub() })
    const room = await provider.ensureRoom({ name: 'standup' })
    const participant = { identity: '', role: 'publisher' as const }
    expect(await codeOf(provider.issueToken({ room, participant, ttlSeconds: 60 }))).toBe('INVALID_INPUT')
  })

  describe('connect', () => {
    it('refuses a token signed with another secret as UNAUTHORIZED', async () => {
      const provider = memory({ hub: newHub('right') })
      await provider.ensureRoom({ name: 'standup' })
      const forger = memory({ hub: newHub('wrong') })
      const forged = await forger.issueToken({ room: await forger.ensureRoom({ name: 'standup' }), participant: alice, ttlSeconds: 60 })
      expect(await codeOf(provider.connect(forged, connectOptions))).toBe('UNAUTHORIZED')
    })

    it('refuses a token whose public fields were changed as UNAUTHORIZED', async () => {
      const provider = memory({ hub: newHub() })
      const token = await provider.issueToken({ room: await provider.ensureRoom({ name: 'standup' }), participant: alice, ttlSeconds: 60 })
      expect(await codeOf(provider.connect({ ...token, identity: 'mallory' }, connectOptions))).toBe('UNAUTHORIZED')
    })

    it('refuses an expired token as TOKEN_EXPIRED', async () => {
      vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') })
      const provider = memory({ hub: newHub() })
      const token = await provider.issueToken({ room: await provider.ensureRoom({ name: 'standup' }), participant: alice, ttlSeconds: 60 })
      vi.setSystemTime(new Date('2030-01-01T00:01:00Z'))
      expect(await codeOf(provider.connect(token, connectOptions))).toBe('TOKEN_EXPIRED')
    })

    it('refuses a token for a closed room, or one the hub never had, as ROOM_NOT_FOUND', async () => {
      const hub = newHub('same-secret')
      const provider = memory({ hub })
      const room = await provider.ensureRoom({ name: 'standup' })
      const token = await provider.issueToken({ room, participant: alice, ttlSeconds: 60 })
      expect(await codeOf(memory({ hub: newHub('same-secret') }).connect(token, connectOptions))).toBe('ROOM_NOT_FOUND')
      await provider.closeRoom({ room })
      await provider.ensureRoom({ name: 'standup' })
      expect(await codeOf(provider.connect(token, connectOptions))).toBe('ROOM_NOT_FOUND')
    })

    it('admits the token holder as the local participant, with a providerParticipantId', async () => {
      const hub = newHub()
      const provider = memory({ hub })
      const token = await provider.issueToken({ room: await provider.ensureRoom({ name: 'standup' }), participant: alice, ttlSeconds: 60 })
      const connection = await provider.connect(token, connectOptions)
      expect(connection.localParticipant).toMatchObject(alice)
      expect(connection.localParticipant.providerParticipantId).toMatch(/^participant_/)
      expect(hub.members('standup')).toEqual([connection.localParticipant])
    })
  })

  describe('moderation', () => {
    async function twoInStandup(hub: MemoryHub) {
      const provider = memory({ hub })
      const room = await provider.ensureRoom({ name: 'standup' })
      const connect = async (identity: string) =>
        provider.connect(await provider.issueToken({ room, participant: { identity, role: 'publisher' }, ttlSeconds: 60 }), connectOptions)
      return { provider, room, alice: await connect('alice'), bob: await connect('bob') }
    }

    it('removeParticipant ends that connection with "removed"; the others see it leave', async () => {
      const { provider, room, alice: aliceConnection, bob } = await twoInStandup(newHub())
      const disconnected = vi.fn()
      const left = vi.fn()
      bob.on('disconnected', disconnected)
      aliceConnection.on('participant-left', left)
      await provider.removeParticipant({ room, identity: 'bob' })
      expect(disconnected).toHaveBeenCalledWith(expect.objectContaining({ reason: 'removed' }))
      expect(left).toHaveBeenCalledWith(expect.objectContaining({ participant: expect.objectContaining({ identity: 'bob' }) }))
      expect((await provider.listParticipants({ room })).map((participant) => participant.identity)).toEqual(['alice'])
      expect(bob.connected).toBe(false)
    })

    it('removeParticipant of someone absent is PARTICIPANT_NOT_FOUND', async () => {
      const { provider, room } = await twoInStandup(newHub())
      expect(await codeOf(provider.removeParticipant({ room, identity: 'carol' }))).toBe('PARTICIPANT_NOT_FOUND')
    })

    it('closeRoom ends every connection with "room-closed" and forgets the room', async () => {
      const { provider, room, alice: aliceConnection, bob } = await twoInStandup(newHub())
      const reasons: string[] = []
      for (const connection of [aliceConnection, bob]) connection.on('disconnected', ({ reason }) => reasons.push(reason))
      await provider.closeRoom({ room })
      expect(reasons).toEqual(['room-closed', 'room-closed'])
      expect(await provider.getRoom({ name: 'standup' })).toBeNull()
      expect(await codeOf(provider.listParticipants({ room }))).toBe('ROOM_NOT_FOUND')
    })
  })
})
