/**
 * Text → letters and digits, the only characters Vidyo.io accepts in a resourceId and in the user
 * name of a token. Every other character is escaped behind `Z`, which therefore never appears
 * unescaped:
 *
 * | in the text | in the code |
 * |---|---|
 * | `A`–`Y`, `a`–`z`, `0`–`9` | unchanged |
 * | `Z` | `ZZ` |
 * | `-` `.` `_` `~` | `Zh` `Zd` `Zu` `Zt` |
 * | any other character up to U+FFFF | `Zx` + 4 lower-case hex digits of its code point |
 * | any character above U+FFFF | `Zy` + 6 lower-case hex digits of its code point |
 *
 * Each character maps to a code word from a prefix-free set, so the mapping is injective and
 * `decodeAlphanumeric` inverts it. Letters and digits without `Z` pass through unchanged.
 * Browser-safe: the client half decodes user names with it.
 */

const ESCAPE = 'Z'
const escapedPunctuation: Readonly<Record<string, string>> = { [ESCAPE]: ESCAPE, '-': 'h', '.': 'd', _: 'u', '~': 't' }
const punctuationOfCode: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(escapedPunctuation).map(([character, code]) => [code, character]))
const passThrough = /^[A-Za-z0-9]$/
const hex = /^[0-9a-f]+$/

/** Only letters and digits, at least one: what Vidyo accepts. */
export const ALPHANUMERIC = /^[A-Za-z0-9]+$/

function encodeCharacter(character: string): string {
  if (character !== ESCAPE && passThrough.test(character)) return character
  const punctuation = escapedPunctuation[character]
  if (punctuation !== undefined) return ESCAPE + punctuation
  const codePoint = character.codePointAt(0) ?? 0
  return codePoint <= 0xffff ? `${ESCAPE}x${codePoint.toString(16).padStart(4, '0')}` : `${ESCAPE}y${codePoint.toString(16).padStart(6, '0')}`
}

/** The code of `text` (see the table above). */
export function encodeAlphanumeric(text: string): string {
  let code = ''
  for (const character of text) code += encodeCharacter(character)
  return code
}

/**
 * The text `code` was made from, or undefined when `encodeAlphanumeric` never produces `code`
 * (only canonical codes decode: `Zx0041` for `A` does not).
 */
export function decodeAlphanumeric(code: string): string | undefined {
  let text = ''
  let index = 0
  while (index < code.length) {
    const character = code.charAt(index)
    if (character !== ESCAPE) {
      text += character
      index += 1
      continue
    }
    const kind = code.charAt(index + 1)
    const width = kind === 'x' ? 4 : kind === 'y' ? 6 : 0
    const digits = code.slice(index + 2, index + 2 + width)
    const codePoint = digits.length === width && hex.test(digits) ? Number.parseInt(digits, 16) : Number.NaN
    if (width > 0 && codePoint <= 0x10ffff) {
      text += String.fromCodePoint(codePoint)
    } else if (width === 0 && punctuationOfCode[kind] !== undefined) {
      text += punctuationOfCode[kind]
    } else {
      return undefined
    }
    index += 2 + width
  }
  return encodeAlphanumeric(text) === code ? text : undefined
}
