import { CallportError, RoomNameSchema } from '@callport/core'
import { parseInput } from '../shared/parse-input'
import { VIDYO_PROVIDER } from '../shared/provider-id'

/**
 * Room name → Vidyo resourceId. Vidyo accepts alphanumeric resource ids, so every other character is
 * escaped behind `Z`, which therefore never appears unescaped:
 *
 * | in the room name | in the resourceId |
 * |---|---|
 * | `A`–`Y`, `a`–`z`, `0`–`9` | unchanged |
 * | `Z` | `ZZ` |
 * | `-` `.` `_` `~` | `Zh` `Zd` `Zu` `Zt` |
 * | any other character up to U+FFFF | `Zx` + 4 lower-case hex digits of its code point |
 * | any character above U+FFFF | `Zy` + 6 lower-case hex digits of its code point |
 *
 * Each character maps to a code word from a prefix-free set, so the mapping is injective: two
 * different room names never share a resourceId, and `roomNameOfVidyoResourceId` inverts it.
 * Names made of letters and digits without `Z` pass through unchanged (`standup` → `standup`).
 */

const ESCAPE = 'Z'
const escapedPunctuation: Readonly<Record<string, string>> = { [ESCAPE]: ESCAPE, '-': 'h', '.': 'd', _: 'u', '~': 't' }
const punctuationOfCode: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(escapedPunctuation).map(([character, code]) => [code, character]),
)
const passThrough = /^[A-Za-z0-9]$/
const hex = /^[0-9a-f]+$/

function encodeCharacter(character: string): string {
  if (character !== ESCAPE && passThrough.test(character)) return character
  const punctuation = escapedPunctuation[character]
  if (punctuation !== undefined) return ESCAPE + punctuation
  const codePoint = character.codePointAt(0) ?? 0
  return codePoint <= 0xffff ? `${ESCAPE}x${codePoint.toString(16).padStart(4, '0')}` : `${ESCAPE}y${codePoint.toString(16).padStart(6, '0')}`
}

/** The Vidyo resourceId of a Callport room name (see the table above). Throws INVALID_INPUT for an invalid name. */
export function vidyoResourceIdOf(roomName: string): string {
  const name = parseInput(RoomNameSchema, roomName, 'Invalid room name')
  let resourceId = ''
  for (const character of name) resourceId += encodeCharacter(character)
  return resourceId
}

const notAResourceId = (resourceId: string): CallportError =>
  new CallportError('INVALID_INPUT', `"${resourceId}" is not a resourceId that vidyoResourceIdOf produces`, { provider: VIDYO_PROVIDER })

/** The room name a resourceId was made from; the inverse of `vidyoResourceIdOf`. Throws INVALID_INPUT otherwise. */
export function roomNameOfVidyoResourceId(resourceId: string): string {
  let name = ''
  let index = 0
  while (index < resourceId.length) {
    const character = resourceId.charAt(index)
    if (character !== ESCAPE) {
      name += character
      index += 1
      continue
    }
    const code = resourceId.charAt(index + 1)
    const width = code === 'x' ? 4 : code === 'y' ? 6 : 0
    const digits = resourceId.slice(index + 2, index + 2 + width)
    const codePoint = digits.length === width && hex.test(digits) ? Number.parseInt(digits, 16) : Number.NaN
    if (width > 0 && codePoint <= 0x10ffff) {
      name += String.fromCodePoint(codePoint)
    } else if (width === 0 && punctuationOfCode[code] !== undefined) {
      name += punctuationOfCode[code]
    } else {
      throw notAResourceId(resourceId)
    }
    index += 2 + width
  }
  // Only canonical ids decode: this refuses e.g. `Zx0041` for `A` or a name outside RoomNameSchema.
  if (!RoomNameSchema.safeParse(name).success || vidyoResourceIdOf(name) !== resourceId) throw notAResourceId(resourceId)
  return name
}
