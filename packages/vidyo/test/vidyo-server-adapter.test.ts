import type { IssueTokenOptions, Participant } from '@callport/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { vidyo, vidyoServerCapabilities, vidyoTokenTtlBounds } from '../src/server/index'
import { verifyVidyoToken } from '../src/server/verify-token'
import { identityOfVidyoUserName } from '../src/shared/user-name'
import { rejection } from './rejection'

const settings = { appId: 'abc123.vidyo.io', developerKey: 'developer-key', host: 'vidyo.example.com' }
const alice: Participant = { identity: 'alice', name: 'Alice Liddell', role: 'publisher' }

describe('vidyo server adapter', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('declares rooms implicit: no listing, removal, closing or webhooks', () => {
    const adapter = vidyo(settings)
    expect(adapter.provider).toBe('vidyo')
    expect(adapter.specificationVersion).toBe('v1')
    expect(adapter.capabilities).toEqual({
      getRoom: false,
      listParticipants: false,
      removeParticipant: false,
      closeRoom: false,
      muteParticipant: false,
      webhooks: false,
      tokenTtlSeconds: { min: 60, max: 86_400 },
    })
    expect(adapter.capabilities).toEqual(vidyoServerCapabilities)
    for (const method of ['getRoom', 'listParticipants', 'removeParticipant', 'closeRoom', 'webhook'] as const) {
      expect(adapter[method]).toBeUndefined()
    }
  })

  it('maps the room name to its resourceId, the same every time', async () => {
    const adapter = vidyo(settings)
    const room = await adapter.ensureRoom({ name: 'daily-standup' })
    expect(room).toEqual({ name: 'daily-standup', provider: 'vidyo', providerRoomId: 'dailyZhstandup' })
    expect(await adapter.ensureRoom({ name: 'daily-standup' })).toEqual(room)
  })

  it('issues a provision token for identity@appId that carries host and resourceId', async () => {
    vi.useFakeTimers({ now: Date.parse('2030-06-01T12:00:00.400Z'), toFake: ['Date'] })
    const adapter = vidyo({ ...settings, vCard: (participant) => `<vCard><FN>${participant.name}</FN></vCard>` })
    const room = await adapter.ensureRoom({ name: 'standup' })
    const token = await adapter.issueToken({ room, participant: alice, ttlSeconds: 3600 })
    expect(token).toMatchObject({
      provider: 'vidyo',
      room: 'standup',
      providerRoomId: 'standup',
      identity: 'alice',
      expiresAt: '2030-06-01T13:00:00.000Z',
      connect: { host: 'vidyo.example.com', resourceId: 'standup', displayName: 'Alice Liddell' },
    })
    const verified = verifyVidyoToken(token.value, { developerKey: settings.developerKey, appId: settings.appId })
    expect(verified).toEqual({
      userName: 'alice',
      appId: 'abc123.vidyo.io',
      expiresAt: new Date('2030-06-01T13:00:00.000Z'),
      vCard: '<vCard><FN>Alice Liddell</FN></vCard>',
    })
  })

  it('uses the identity as display name when the participant has no name', async () => {
    const adapter = vidyo(settings)
    const room = await adapter.ensureRoom({ name: 'standup' })
    const token = await adapter.issueToken({ room, participant: { identity: 'bob', role: 'subscriber' }, ttlSeconds: 60 })
    expect(token.connect.displayName).toBe('bob')
  })

  it.each<[string, (room: IssueTokenOptions['room']) => IssueTokenOptions, RegExp]>([
    ['an identity with NUL', (room) => ({ room, participant: { ...alice, identity: 'ali\0ce' }, ttlSeconds: 600 }), /control characters/],
    ['an empty identity', (room) => ({ room, participant: { ...alice, identity: '' }, ttlSeconds: 600 }), /must not be empty/],
    ['a lifetime below the minimum', (room) => ({ room, participant: alice, ttlSeconds: vidyoTokenTtlBounds.min - 1 }), /from 60 to 86400; got 59/],
    ['a lifetime above the maximum', (room) => ({ room, participant: alice, ttlSeconds: vidyoTokenTtlBounds.max + 1 }), /from 60 to 86400; got 86401/],
    ['a fractional lifetime', (room) => ({ room, participant: alice, ttlSeconds: 600.5 }), /whole seconds/],
    ['a room of another provider', (room) => ({ room: { ...room, provider: 'twilio' }, participant: alice, ttlSeconds: 600 }), /vidyo provider/],
    ['a non-alphanumeric resourceId', (room) => ({ room: { ...room, providerRoomId: 'a-b' }, participant: alice, ttlSeconds: 600 }), /alphanumeric/],
  ])('refuses %s with INVALID_INPUT before signing', async (_label, options, message) => {
    const adapter = vidyo(settings)
    const room = await adapter.ensureRoom({ name: 'standup' })
    const error = await rejection(adapter.issueToken(options(room)))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(message)
  })

  it.each([
    ['alice.smith', 'aliceZdsmith'],
    ['Alice Smith', 'AliceZx0020Smith'],
    ['3f2b8c1e-9d4a-4c7b-8e21-5a6f0d9c2b7e', '3f2b8c1eZh9d4aZh4c7bZh8e21Zh5a6f0d9c2b7e'],
    ['zoë', 'zoZx00eb'],
    ['alice@example.com', 'aliceZx0040exampleZdcom'],
    ['Zed', 'ZZed'],
  ])('signs the identity %s as the alphanumeric user name %s, which decodes back', async (identity, userName) => {
    const adapter = vidyo(settings)
    const room = await adapter.ensureRoom({ name: 'standup' })
    const token = await adapter.issueToken({ room, participant: { ...alice, identity }, ttlSeconds: 600 })
    expect(token.identity).toBe(identity)
    const verified = verifyVidyoToken(token.value, { developerKey: settings.developerKey, appId: settings.appId })
    expect(verified.userName).toBe(userName)
    expect(verified.userName).toMatch(/^[A-Za-z0-9]+$/)
    expect(identityOfVidyoUserName(verified.userName)).toBe(identity)
  })

  it('keeps the resolved, secret-free settings on the adapter', () => {
    const adapter = vidyo(settings)
    expect(adapter).toMatchObject({ appId: 'abc123.vidyo.io', host: 'vidyo.example.com' })
    expect(JSON.stringify(adapter)).not.toContain(settings.developerKey)
  })

  it('refuses invalid room names and aborted calls', async () => {
    const adapter = vidyo(settings)
    expect((await rejection(adapter.ensureRoom({ name: 'two words' }))).code).toBe('INVALID_INPUT')
    const controller = new AbortController()
    controller.abort()
    expect((await rejection(adapter.ensureRoom({ name: 'standup', signal: controller.signal }))).code).toBe('ABORTED')
  })
})
