/** Bytes a JSON value takes at most: every UTF-16 unit of a string may become a 6-byte `\u00XX` escape. */
const BYTES_PER_STRING_UNIT = 6
/** The longest JSON number, `-1.7976931348623157e+308`, and longer than `true`, `false`, `null`. */
const BYTES_PER_SCALAR = 24

/**
 * An upper bound of the UTF-8 size of `JSON.stringify(root)`, computed without serializing; stops
 * counting as soon as the bound passes `limit`.
 */
function jsonByteUpperBound(root: unknown, limit: number): number {
  let bound = 0
  const pending: unknown[] = [root]
  while (pending.length > 0 && bound <= limit) {
    const value = pending.pop()
    if (typeof value === 'string') {
      bound += value.length * BYTES_PER_STRING_UNIT + 2
    } else if (typeof value !== 'object' || value === null) {
      bound += BYTES_PER_SCALAR
    } else if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      return Number.POSITIVE_INFINITY // binary attachments: serialize to know
    } else if (Array.isArray(value)) {
      bound += 2 + value.length
      if (bound <= limit) for (const item of value) pending.push(item)
    } else {
      bound += 2
      for (const [key, item] of Object.entries(value)) {
        bound += key.length * BYTES_PER_STRING_UNIT + 4
        pending.push(item)
      }
    }
  }
  return bound
}

/**
 * The UTF-8 size of `message` as JSON when it is over `limit` bytes, else undefined. Small messages
 * (nearly all of them) are cleared by a cheap upper bound; only the others are serialized.
 */
export function jsonBytesOverLimit(message: unknown, limit: number): number | undefined {
  if (jsonByteUpperBound(message, limit) <= limit) return undefined
  let json: string | undefined
  try {
    json = JSON.stringify(message)
  } catch {
    return undefined
  }
  const bytes = json === undefined ? 0 : Buffer.byteLength(json, 'utf8')
  return bytes > limit ? bytes : undefined
}
