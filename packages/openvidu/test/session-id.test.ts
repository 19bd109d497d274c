import { RoomNameSchema } from '@callport/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { roomOfSessionId, sessionIdOfRoom } from '../src/server/session-id'

/** Room names as RoomNameSchema accepts them, drawn from characters that exercise every branch of the mapping. */
const characters = fc.oneof(
  fc.constantFrom(...'aAzZ09-_.~'),
  fc.constantFrom('é', 'ß', 'Ω', '会', '議', '室', '٣', '𝔘', '𠀋'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
)
const roomNames = fc
  .array(characters, { minLength: 1, maxLength: 40 })
  .map((parts) => parts.join('').slice(0, 128))
  .filter((name) => RoomNameSchema.safeParse(name).success)

describe('room name → OpenVidu session id', () => {
  it.each([
    ['standup', 'standup'],
    ['team_42', 'team_42'],
    ['Room-1', 'Room-1'],
    ['daily.sync', '_daily_2e_sync'],
    ['a~b', '_a_7e_b'],
    ['a_b.c', '_a_5f_b_2e_c'],
    ['réunion', '_r_e9_union'],
    ['会議室', '__4f1a__8b70__5ba4_'],
    ['𝔘nicode', '__1d518_nicode'],
  ])('%s → %s, and back', (name, id) => {
    expect(sessionIdOfRoom(name)).toBe(id)
    expect(roomOfSessionId(id)).toBe(name)
  })

  it('gives only ids OpenVidu accepts ([a-zA-Z0-9_-])', () => {
    fc.assert(
      fc.property(roomNames, (name) => /^[a-zA-Z0-9_-]+$/.test(sessionIdOfRoom(name))),
      { numRuns: 2000 },
    )
  })

  it('is injective: two different room names never share a session id', () => {
    fc.assert(
      fc.property(roomNames, roomNames, (first, second) => first === second || sessionIdOfRoom(first) !== sessionIdOfRoom(second)),
      { numRuns: 5000 },
    )
  })

  it('is injective also for names that differ in one character only', () => {
    fc.assert(
      fc.property(roomNames, fc.nat(), characters, (name, at, replacement) => {
        const chars = [...name]
        chars[at % chars.length] = replacement
        const other = chars.join('')
        fc.pre(other !== name && RoomNameSchema.safeParse(other).success)
        return sessionIdOfRoom(name) !== sessionIdOfRoom(other)
      }),
      { numRuns: 3000 },
    )
  })

  it('reads every id back to its name', () => {
    fc.assert(
      fc.property(roomNames, (name) => roomOfSessionId(sessionIdOfRoom(name)) === name),
      { numRuns: 2000 },
    )
  })
})

describe('OpenVidu session id → room name', () => {
  it('names a plain OpenVidu-generated id after itself', () => {
    expect(roomOfSessionId('ses_YnDaGYNcd7')).toBe('ses_YnDaGYNcd7')
  })

  it.each([
    ['has space', 'characters OpenVidu refuses'],
    ['', 'nothing'],
    ['a'.repeat(129), 'an id longer than a room name may be'],
    [`-${'a'.repeat(119)}`, 'an id whose openvidu~ room name would be too long'],
  ])('refuses %j (%s)', (id) => {
    expect(roomOfSessionId(id)).toBeUndefined()
  })

  // SessionProperties.isValidCustomSessionId (openvidu-java-client 2.32.2): [a-zA-Z0-9_-]+.
  it.each([
    ['-leading', 'a leading "-"'],
    ['_plain', 'an escaped form of a plain name (that name maps to "plain")'],
    ['_a_41_b', 'an escape of a character that is kept as it is'],
    ['_a_00e9_b', 'a non-canonical escape (leading zeros)'],
    ['_a_E9_b', 'uppercase hex'],
    ['_a_e9', 'an unterminated escape'],
    ['_a_110000_', 'a code point beyond Unicode'],
    ['__', 'underscores only'],
  ])('an id OpenVidu accepts that no ordinary name maps to, %j (%s), is the room openvidu~<id>', (id) => {
    expect(roomOfSessionId(id)).toBe(`openvidu~${id}`)
    expect(sessionIdOfRoom(`openvidu~${id}`)).toBe(id)
  })

  it('every id OpenVidu accepts (up to 119 characters) has exactly one room, which maps back to it', () => {
    const ids = fc.string({ unit: fc.constantFrom(...'aZ09_-'), minLength: 1, maxLength: 119 })
    fc.assert(
      fc.property(ids, (id) => roomOfSessionId(id) !== undefined && sessionIdOfRoom(roomOfSessionId(id)!) === id),
      { numRuns: 3000 },
    )
  })

  it('openvidu~ names of ids that other names map to stay ordinary names', () => {
    expect(sessionIdOfRoom('openvidu~abc')).toBe('_openvidu_7e_abc')
    expect(roomOfSessionId('_openvidu_7e_abc')).toBe('openvidu~abc')
  })
})
