/**
 * What a Janus token carries to the page, shared by both halves.
 *
 * `token.value` holds two Janus signed tokens separated by one space (neither contains a space):
 * the core token (`<expiry>,janus,janus.plugin.videoroom:<signature>`), sent as `token` with every
 * Janus API request (create, attach, message, trickle, keepalive, long poll), and the VideoRoom room
 * token (`<expiry>,janus.plugin.videoroom,room=<id>,nonce=<random>:<signature>`, each one its own), sent as `token` in the VideoRoom
 * `join` requests (publisher and subscriber) of a room created with `signed_tokens`. Both expire with
 * the Callport token.
 */
export interface JanusTokenParts {
  /** Janus core signed token: admits the holder to the Janus API and the VideoRoom plugin. */
  core: string
  /** VideoRoom per-room signed token: admits the holder to one room (the `token` of its `join`). */
  room: string
}

/** `token.value` from its two parts. */
export function joinJanusTokenValue(parts: JanusTokenParts): string {
  return `${parts.core} ${parts.room}`
}

/** The two parts of `token.value`, or undefined when it is not a Janus token value. */
export function splitJanusTokenValue(value: string): JanusTokenParts | undefined {
  const parts = value.split(' ')
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined
  return { core: parts[0]!, room: parts[1]! }
}

/** The `token.connect` of a Janus token. */
export interface JanusConnectParameters {
  [parameter: string]: string | number | boolean
  /** Where the page reaches the Janus API: `ws(s)://…` (WebSocket transport) or `http(s)://…/janus` (HTTP transport). */
  url: string
  /** The VideoRoom room id (numeric: Janus's default, `string_ids = false`). */
  room: number
  /**
   * Present for publishers only: the page may join as a VideoRoom publisher (`ptype: publisher`).
   * Janus refuses a publisher join with a subscriber's token (the room's `allowed` list), so this only
   * saves the page a refused request.
   */
  publish: boolean
}

/**
 * The `token.connect` parameter holding the participant's display name (text), present when the
 * participant has one: the page writes it in its VideoRoom `display` (`encodeJanusDisplay`), so that
 * the others (and `listParticipants`) see it.
 */
export const NAME_PARAMETER = 'name'

/** The `token.connect` parameter holding ICE servers as JSON text (as the signaling provider's): `[{ "urls": [...], "username", "credential" }]`. */
export const ICE_SERVERS_PARAMETER = 'iceServers'

/**
 * What a participant's VideoRoom `display` holds: JSON text `{"identity":…,"name":…}` (name left out
 * when there is none), so that listing a room (`listparticipants`) gives back the Callport identity
 * and name. A page may publish twice (camera, then a screen as a second publisher): the same
 * identity, `"source":"screen"` on the second.
 */
export interface JanusDisplay {
  identity: string
  name?: string
  source?: 'screen'
}

/** The VideoRoom `display` of a participant. */
export function encodeJanusDisplay(display: JanusDisplay): string {
  return JSON.stringify(display)
}

/** The identity, name and source a VideoRoom `display` holds, or undefined for a display Callport did not write. */
export function decodeJanusDisplay(display: unknown): JanusDisplay | undefined {
  if (typeof display !== 'string') return undefined
  try {
    const parsed = JSON.parse(display) as unknown
    if (typeof parsed !== 'object' || parsed === null) return undefined
    const { identity, name, source } = parsed as Record<string, unknown>
    if (typeof identity !== 'string' || identity === '') return undefined
    return { identity, ...(typeof name === 'string' ? { name } : {}), ...(source === 'screen' ? { source } : {}) }
  } catch {
    return undefined
  }
}
