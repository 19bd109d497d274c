/** SDP directions that send media from the side that wrote the description. */
const SENDING = new Set(['sendrecv', 'sendonly'])
const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive'])

interface Section {
  /** The media of an `m=` line (`audio`, `video`, `application`…); undefined for the session level. */
  media: string | undefined
  port: string | undefined
  directions: string[]
  bundleOnly: boolean
}

function sectionsOf(sdp: string): Section[] {
  const sections: Section[] = [{ media: undefined, port: undefined, directions: [], bundleOnly: false }]
  for (const rawLine of sdp.split(/\r?\n/)) {
    const line = rawLine.trim()
    if (line.startsWith('m=')) {
      const [media, port] = line.slice(2).split(/\s+/)
      sections.push({ media: media?.toLowerCase(), port, directions: [], bundleOnly: false })
      continue
    }
    if (!line.startsWith('a=')) continue
    const attribute = line.slice(2).toLowerCase()
    const section = sections.at(-1)!
    if (DIRECTIONS.has(attribute)) section.directions.push(attribute)
    else if (attribute === 'bundle-only') section.bundleOnly = true
  }
  return sections
}

/**
 * The media kinds a session description sends media for, from its direction attributes: each media
 * section (`m=` line) takes its own `a=sendrecv` / `a=sendonly` / `a=recvonly` / `a=inactive`, or the
 * session level's when it has none, or `sendrecv` when neither has one (RFC 4566). A section with
 * several direction attributes counts as sending if any of them sends. Not counted: `m=application`
 * (data channels carry no audio or video) and sections disabled with port 0 (unless `a=bundle-only`,
 * which keeps a port-0 section alive). Attribute names are compared without case, so that an odd
 * spelling a browser may still accept cannot slip through.
 */
export function sendingMediaSections(sdp: string): string[] {
  const [session, ...media] = sectionsOf(sdp)
  const sending: string[] = []
  for (const section of media) {
    if (section.media === 'application') continue
    if (section.port === '0' && !section.bundleOnly) continue
    const directions = section.directions.length > 0 ? section.directions : session!.directions.length > 0 ? session!.directions : ['sendrecv']
    if (directions.some((direction) => SENDING.has(direction))) sending.push(section.media ?? 'unknown')
  }
  return sending
}
