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
 * - OpenVidu accepts every `[a-zA-Z0-9_-]+` id (`SessionProperties.isValidCustomSessionId`, 2.32.2),
 *   and a samples page may ask for one no name above maps to (`-abc`, `_abc`, `__x`). Such an id is
 *   the session of the room `openvidu~<id>`: `openvidu~-abc` → `-abc`. Only for ids no other name
 *   maps to: `openvidu~abc` is an ordinary name (→ `_openvidu_7e_abc`).
 *
 * The mapping is reversible (so it never maps two rooms to one session, and webhooks name the
 * room): ids of the second kind start with `_`, which no room name does, and within them every `_`
 * opens an escape, so reading one back is unambiguous; ids of the third kind are exactly those the
 * first two never give.
 */

const OPENVIDU_ID = /^[A-Za-z0-9_-]+$/
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/
const KEPT = /^[A-Za-z0-9-]$/
const ESCAPED_PREFIX = '_'
const ESCAPED_PART = /_([0-9a-f]{1,6})_|([A-Za-z0-9-])/gy
/** The prefix of room names that stand for an OpenVidu id no other room name maps to. */
export const VERBATIM_ROOM_PREFIX = 'openvidu~'

/** The OpenVidu session id of a room name (a name RoomNameSchema accepts). */
export function sessionIdOfRoom(name: string): string {
  if (name.startsWith(VERBATIM_ROOM_PREFIX)) {
    const id = name.slice(VERBATIM_ROOM_PREFIX.length)
    if (OPENVIDU_ID.test(id) && standardRoomOf(id) === undefined) return id
  }
  return standardSessionIdOf(name)
}

function standardSessionIdOf(name: string): string {
  if (PLAIN_NAME.test(name)) return name
  let id = ESCAPED_PREFIX
  for (const character of name) {
    id += KEPT.test(character) ? character : `_${(character.codePointAt(0) ?? 0).toString(16)}_`
  }
  return id
}

/**
 * The room name of an OpenVidu session id, or undefined when no room name maps to it: an id OpenVidu
 * does not accept, or one whose room name would be longer than a room name may be.
 */
export function roomOfSessionId(sessionId: string): string | undefined {
  if (!OPENVIDU_ID.test(sessionId)) return undefined
  const standard = standardRoomOf(sessionId)
  if (standard !== undefined) return standard
  const verbatim = `${VERBATIM_ROOM_PREFIX}${sessionId}`
  return RoomNameSchema.safeParse(verbatim).success ? verbatim : undefined
}

/** The room whose name maps to `sessionId` by the first two rules. */
function standardRoomOf(sessionId: string): string | undefined {
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
  return RoomNameSchema.safeParse(name).success && standardSessionIdOf(name) === sessionId ? name : undefined
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
