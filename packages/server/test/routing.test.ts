import { describe, expect, it } from 'vitest'
import { allowListRoute, fixedRoute, percentageRoute, roomBucket, type RouteFunction } from '../src/index'

const route = (routeFunction: RouteFunction, room: string) => routeFunction({ room, participant: undefined })

describe('roomBucket', () => {
  // Published FNV-1a 32-bit vectors ("a" → 0xe40c292c, "foobar" → 0xbf9cf968) and values from an
  // independent implementation (Python, UTF-8 bytes), modulo 100.
  it.each([
    ['a', 0xe40c292c % 100],
    ['foobar', 0xbf9cf968 % 100],
    ['standup', 0xd8288c56 % 100],
    ['réunion', 0xa6a69708 % 100],
    ['会議室', 0x44e398e7 % 100],
  ])('puts %s in the bucket FNV-1a over its UTF-8 bytes gives', (room, bucket) => {
    expect(roomBucket(room)).toBe(bucket)
  })

  it('spreads names evenly over 0…99', () => {
    const counts = new Array<number>(100).fill(0)
    for (let index = 0; index < 20_000; index++) counts[roomBucket(`room-${index}`)]! += 1
    expect(Math.min(...counts)).toBeGreaterThan(120)
    expect(Math.max(...counts)).toBeLessThan(280)
  })
})

describe('fixedRoute', () => {
  it('always answers its provider', () => {
    const twilio = fixedRoute('twilio')
    expect(['a', 'b', 'standup'].map((room) => route(twilio, room))).toEqual(['twilio', 'twilio', 'twilio'])
  })
})

describe('percentageRoute', () => {
  const names = Array.from({ length: 5000 }, (_, index) => `team-${index}`)

  it('sends the rooms whose bucket is below the percentage to the provider, the others elsewhere', async () => {
    const rollout = percentageRoute({ provider: 'twilio', percent: 30, otherwise: 'openvidu' })
    for (const room of names.slice(0, 500)) {
      expect(await route(rollout, room)).toBe(roomBucket(room) < 30 ? 'twilio' : 'openvidu')
    }
    const share = names.filter((room) => route(rollout, room) === 'twilio').length / names.length
    expect(share).toBeGreaterThan(0.27)
    expect(share).toBeLessThan(0.33)
  })

  it('only adds rooms when the percentage grows', () => {
    const at10 = percentageRoute({ provider: 'new', percent: 10, otherwise: 'old' })
    const at20 = percentageRoute({ provider: 'new', percent: 20, otherwise: 'old' })
    const in10 = names.filter((room) => route(at10, room) === 'new')
    expect(in10.length).toBeGreaterThan(0)
    expect(in10.every((room) => route(at20, room) === 'new')).toBe(true)
  })

  it('covers nothing at 0 and everything at 100', () => {
    expect(names.some((room) => route(percentageRoute({ provider: 'new', percent: 0, otherwise: 'old' }), room) === 'new')).toBe(false)
    expect(names.every((room) => route(percentageRoute({ provider: 'new', percent: 100, otherwise: 'old' }), room) === 'new')).toBe(true)
  })

  it('delegates to an `otherwise` route function with the same context', async () => {
    const seen: string[] = []
    const rollout = percentageRoute({
      provider: 'new',
      percent: 0,
      otherwise: ({ room, participant }) => {
        seen.push(`${room}/${participant?.identity}`)
        return 'fallback'
      },
    })
    expect(await rollout({ room: 'standup', participant: { identity: 'alice', role: 'publisher' } })).toBe('fallback')
    expect(seen).toEqual(['standup/alice'])
  })

  it.each([-1, 101, Number.NaN])('refuses percent %s', (percent) => {
    expect(() => percentageRoute({ provider: 'a', percent, otherwise: 'b' })).toThrow(RangeError)
  })
})

describe('allowListRoute', () => {
  it('sends listed rooms to the provider and the rest to otherwise', () => {
    const pilot = allowListRoute({ rooms: ['standup', 'retro'], provider: 'twilio', otherwise: 'openvidu' })
    expect(['standup', 'retro', 'planning', 'Standup'].map((room) => route(pilot, room))).toEqual(['twilio', 'twilio', 'openvidu', 'openvidu'])
  })

  it('takes a predicate', () => {
    const pilot = allowListRoute({ rooms: (room) => room.startsWith('beta-'), provider: 'kaleyra', otherwise: fixedRoute('signaling') })
    expect(['beta-1', 'alpha-1'].map((room) => route(pilot, room))).toEqual(['kaleyra', 'signaling'])
  })
})
