import { RoomNameSchema } from '@callport/core'

/**
 * Room name ⇄ OpenVidu session id (`customSessionId`, which OpenVidu limits to `[a-zA-Z0-9_-]`).
 *
 * - A name made only of those characters is its own session id: `standup` → `standup`,
 *   `team_42` → `team_42`. Room names start with a letter or digit, and so do these ids.
 * - Any other name becomes `_` followed by the name, where every character other than an ASCII
 *   letter, digit or `-` is written `_<code point in lowercase hex>_`: `daily.sync` →
 *   `_daily_2e_sync`, `réunion` → `_r_e9_union`, `a_b.c` → `_a_5f_b_2e_c`.
 *
 * The mapping is reversible (so it never maps two rooms to one session, and webhooks name the
 * room): ids of the second kind start with `_`, which no room name does, and within them every `_`
 * opens an escape, so reading one back is unambiguous.
 */

const OPENVIDU_ID = /^[A-Za-z0-9_-]+$/
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/
const KEPT = /^[A-Za-z0-9-]$/
const ESCAPED_PREFIX = '_'
const ESCAPED_PART = /_([0-9a-f]{1,6})_|([A-Za-z0-9-])/gy

/** The OpenVidu session id of a room name (a name RoomNameSchema accepts). */
export function sessionIdOfRoom(name: string): string {
  if (PLAIN_NAME.test(name)) return name
  let id = ESCAPED_PREFIX
  for (const character of name) {
    id += KEPT.test(character) ? character : `_${(character.codePointAt(0) ?? 0).toString(16)}_`
  }
  return id
}

/** The room name of an OpenVidu session id, or undefined when no room name maps to it. */
export function roomOfSessionId(sessionId: string): string | undefined {
  if (!OPENVIDU_ID.test(sessionId)) return undefined
  let name: string
  if (PLAIN_NAME.test(sessionId)) {
    name = sessionId
  } else if (sessionId.startsWith(ESCAPED_PREFIX)) {
    const decoded = decodeEscaped(sessionId.slice(ESCAPED_PREFIX.length))
    if (decoded === undefined) return undefined
    name = decoded
  } else {
    return undefined
  }
  return RoomNameSchema.safeParse(name).success && sessionIdOfRoom(name) === sessionId ? name : undefined
}

function decodeEscaped(body: string): string | undefined {
  let name = ''
  ESCAPED_PART.lastIndex = 0
  while (ESCAPED_PART.lastIndex < body.length) {
    const match = ESCAPED_PART.exec(body)
    if (!match) return undefined
    const [, hex, kept] = match
    if (kept !== undefined) {
      name += kept
      continue
    }
    const codePoint = Number.parseInt(hex ?? '', 16)
    if (codePoint > 0x10ffff) return undefined
    name += String.fromCodePoint(codePoint)
  }
  return name
}
