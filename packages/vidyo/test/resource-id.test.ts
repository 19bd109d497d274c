import { type CallportError, ROOM_NAME_MAXIMUM_LENGTH, RoomNameSchema } from '@callport/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { roomNameOfVidyoResourceId, vidyoResourceIdOf } from '../src/server/resource-id'

/** Characters a room name may hold, weighted towards the ones the mapping treats specially. */
const character = fc.oneof(
  fc.constantFrom('Z', '-', '.', '_', '~', 'x', 'y', 'h', 'd', 'u', 't', '0', 'f'),
  fc.constantFrom(...'ABCXYZabcxyz0129'),
  fc.constantFrom('é', 'ß', 'Ж', '中', '٣', 'Ⅻ', '𝒜', '𠀀', '𝟘'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
)
const roomName = fc
  .array(character, { minLength: 1, maxLength: 40 })
  .map((characters) => characters.join('').slice(0, ROOM_NAME_MAXIMUM_LENGTH))
  .filter((name) => RoomNameSchema.safeParse(name).success)

describe('room name → Vidyo resourceId', () => {
  it('passes letters and digits without Z through unchanged', () => {
    expect(vidyoResourceIdOf('standup')).toBe('standup')
    expect(vidyoResourceIdOf('DailyStandup42')).toBe('DailyStandup42')
    expect(vidyoResourceIdOf('4IYvN1mIFA')).toBe('4IYvN1mIFA')
  })

  it('escapes Z, punctuation and non-ASCII characters with the documented code words', () => {
    expect(vidyoResourceIdOf('Zoom')).toBe('ZZoom')
    expect(vidyoResourceIdOf('team-a.b_c~d')).toBe('teamZhaZdbZucZtd')
    expect(vidyoResourceIdOf('café')).toBe('cafZx00e9')
    expect(vidyoResourceIdOf('𝒜')).toBe('Zy01d49c')
  })

  it('keeps apart names that a naive mapping would merge', () => {
    const names = ['a-b', 'aZhb', 'ab', 'a_b', 'a.b', 'AZhB', 'aZZhb', 'a~b', 'é', 'Zx00e9']
    const ids = names.map(vidyoResourceIdOf)
    expect(new Set(ids).size).toBe(names.length)
  })

  it('is alphanumeric and invertible for every room name, hence injective', () => {
    fc.assert(
      fc.property(roomName, (name) => {
        const resourceId = vidyoResourceIdOf(name)
        expect(resourceId).toMatch(/^[A-Za-z0-9]+$/)
        expect(roomNameOfVidyoResourceId(resourceId)).toBe(name)
      }),
      { numRuns: 2000 },
    )
  })

  it('maps two different room names to two different resourceIds', () => {
    fc.assert(
      fc.property(roomName, roomName, (first, second) => {
        fc.pre(first !== second)
        expect(vidyoResourceIdOf(first)).not.toBe(vidyoResourceIdOf(second))
      }),
      { numRuns: 2000 },
    )
  })

  it('refuses invalid room names and resourceIds it never produces', () => {
    for (const name of ['', 'two words', '-leading', 'a/b']) {
      expect(() => vidyoResourceIdOf(name)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }) as CallportError)
    }
    for (const resourceId of ['Z', 'Zq', 'Zx00', 'Zx0041', 'Zy00e9', 'Zyffffff', 'ZhZh', 'a-b', '']) {
      expect(() => roomNameOfVidyoResourceId(resourceId)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }) as CallportError)
    }
  })
})
