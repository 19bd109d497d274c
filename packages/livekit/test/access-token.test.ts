import { AccessToken, TokenVerifier } from 'livekit-server-sdk'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Metadata, Role } from '@callport/core'
import { livekit } from '../src/server/livekit-server-adapter'
import { videoGrantOfRole } from '../src/server/access-token'

const apiKey = 'APIk3yLiveKitTest'
const apiSecret = 'secret-of-at-least-32-characters-0123456789'
const now = new Date('2026-12-02T06:00:00.000Z')

/** A small seeded generator, so failures repeat. */
function generator(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  return { next, pick }
}

const identityPieces = ['alice', 'Bob', 'Zoë', 'Ωμέγα', '李雷', 'مريم', '😀', 'user-42', 'a.b_c~d', 'ñandú', 'Ærø', '🧑‍🚀']
const roomPieces = ['standup', 'Ünïcødé', '会议室', 'room-1', 'кімната', 'غرفة', 'x', 'daily.sync_2026']
const names = [undefined, '', 'Alice Doe', 'Zoë «Z» Ünal', '山田 太郎', '👩‍💻 Dev']
const metadatas: (Metadata | undefined)[] = [undefined, {}, { team: 'blue' }, { nested: { list: [1, 'two', null] }, emoji: '🎉' }]
const roles: Role[] = ['publisher', 'subscriber', 'moderator']
const lifetimes = [1, 59, 600, 3600, 21_600, 86_400]

interface Case {
  identity: string
  room: string
  name: string | undefined
  metadata: Metadata | undefined
  role: Role
  ttlSeconds: number
}

function cases(count: number): Case[] {
  const { pick, next } = generator(17)
  return Array.from({ length: count }, () => ({
    identity: Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(identityPieces)).join('-'),
    room: Array.from({ length: 1 + Math.floor(next() * 2) }, () => pick(roomPieces)).join('-'),
    name: pick(names),
    metadata: pick(metadatas),
    role: pick(roles),
    ttlSeconds: pick(lifetimes),
  }))
}

function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>
}

async function oracleToken(input: Case): Promise<string> {
  const token = new AccessToken(apiKey, apiSecret, {
    identity: input.identity,
    ttl: input.ttlSeconds,
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.metadata === undefined ? {} : { metadata: JSON.stringify(input.metadata) }),
  })
  token.addGrant(videoGrantOfRole(input.room, input.role))
  return token.toJwt()
}

describe('LiveKit access tokens, with livekit-server-sdk as the oracle', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(now)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const adapter = livekit({ apiKey, apiSecret, url: 'wss://example.livekit.cloud', environmentVariables: {} })

  it.each(cases(200).map((input, index) => [index, input] as const))('case %i: TokenVerifier accepts the token and its claims equal AccessToken’s', async (_, input) => {
    const room = { name: input.room, provider: 'livekit', providerRoomId: 'RM_test' }
    const participant = {
      identity: input.identity,
      role: input.role,
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
    }
    const issued = await adapter.issueToken({ room, participant, ttlSeconds: input.ttlSeconds })

    const verified = await new TokenVerifier(apiKey, apiSecret).verify(issued.value)
    expect(verified.sub).toBe(input.identity)
    expect(verified.video?.room).toBe(input.room)

    expect(decodeClaims(issued.value)).toEqual(decodeClaims(await oracleToken(input)))
    expect(issued.expiresAt).toBe(new Date(now.getTime() + input.ttlSeconds * 1000).toISOString())
    expect(issued.connect).toEqual({ url: 'wss://example.livekit.cloud' })
  })

  it('puts the Callport role in the video grant: moderators get roomAdmin, subscribers cannot publish', async () => {
    const room = { name: 'standup', provider: 'livekit', providerRoomId: 'RM_1' }
    const grant = async (role: Role) =>
      (await new TokenVerifier(apiKey, apiSecret).verify((await adapter.issueToken({ room, participant: { identity: 'ada', role }, ttlSeconds: 60 })).value)).video
    expect(await grant('moderator')).toEqual({ room: 'standup', roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true, roomAdmin: true })
    expect(await grant('publisher')).toEqual({ room: 'standup', roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true })
    expect(await grant('subscriber')).toEqual({ room: 'standup', roomJoin: true, canPublish: false, canSubscribe: true, canPublishData: false })
  })

  it('writes exactly the claims the issue names, with nbf = now and exp = now + ttl', async () => {
    const issued = await adapter.issueToken({
      room: { name: 'Zoë', provider: 'livekit', providerRoomId: 'RM_1' },
      participant: { identity: '李雷', name: 'Li Lei', metadata: { a: 1 }, role: 'publisher' },
      ttlSeconds: 600,
    })
    const seconds = now.getTime() / 1000
    expect(decodeClaims(issued.value)).toEqual({
      iss: apiKey,
      sub: '李雷',
      nbf: seconds,
      exp: seconds + 600,
      name: 'Li Lei',
      metadata: '{"a":1}',
      video: { room: 'Zoë', roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true },
    })
  })

  it('a token signed with another secret is refused by TokenVerifier', async () => {
    const other = livekit({ apiKey, apiSecret: `${apiSecret}-other`, url: 'wss://example.livekit.cloud', environmentVariables: {} })
    const issued = await other.issueToken({
      room: { name: 'r', provider: 'livekit', providerRoomId: 'RM_1' },
      participant: { identity: 'a', role: 'publisher' },
      ttlSeconds: 60,
    })
    await expect(new TokenVerifier(apiKey, apiSecret).verify(issued.value)).rejects.toThrow()
  })

  it('refuses a lifetime outside the bounds before signing', async () => {
    await expect(
      adapter.issueToken({ room: { name: 'r', provider: 'livekit', providerRoomId: 'RM_1' }, participant: { identity: 'a', role: 'publisher' }, ttlSeconds: 86_401 }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})
