/** A stream as a Callport page lists it in its display (`streams`), for the pages VideoRoom tells nothing. */
export interface DisplayedStream {
  mid: string
  type: 'audio' | 'video'
  muted: boolean
}

/**
 * The streams a Callport page lists in its VideoRoom display (`{ identity, name?, streams }`): what a
 * subscriber-only page, which VideoRoom sends no `publishers` events, learns of a publisher's streams
 * and their mute state from `listparticipants`. Undefined when the display lists none.
 */
export function streamsOfDisplay(display: unknown): DisplayedStream[] | undefined {
  if (typeof display !== 'string') return undefined
  try {
    const { streams } = JSON.parse(display) as { streams?: unknown }
    if (!Array.isArray(streams)) return undefined
    return (streams as Array<Partial<DisplayedStream>>).flatMap((stream) =>
      typeof stream.mid === 'string' && (stream.type === 'audio' || stream.type === 'video') ? [{ mid: stream.mid, type: stream.type, muted: stream.muted === true }] : [],
    )
  } catch {
    return undefined
  }
}

/**
 * The VideoRoom stream description a Callport page gives a camera or microphone it turned off (it
 * stays published, disabled), and {@link LIVE_DESCRIPTION} when on again: an SDP-less `configure` with
 * `descriptions`, which VideoRoom announces to the room's publishers (`publishers` event).
 */
export const MUTED_DESCRIPTION = 'callport:muted'
/** The VideoRoom stream description of a camera or microphone turned on again (see {@link MUTED_DESCRIPTION}). */
export const LIVE_DESCRIPTION = 'callport:live'

/** A stream of a publisher, as VideoRoom lists it in `joined` / `publishers`. */
interface PublishedStream {
  mid?: string
  type?: string
  disabled?: boolean
  description?: string
}

/** The mids a publisher describes as muted. */
export const describedMutedOf = (streams: unknown): Set<string> =>
  new Set(
    Array.isArray(streams)
      ? (streams as PublishedStream[]).flatMap((stream) => (stream.description === MUTED_DESCRIPTION && typeof stream.mid === 'string' ? [stream.mid] : []))
      : [],
  )

/** The mids of a publisher's streams VideoRoom lists as disabled (removed in a renegotiation). */
export const disabledMidsOf = (streams: unknown): string[] =>
  Array.isArray(streams) ? (streams as PublishedStream[]).flatMap((stream) => (stream.disabled && typeof stream.mid === 'string' ? [stream.mid] : [])) : []

/** The mids of the audio and video streams a publisher sends. */
export const midsOf = (streams: unknown): string[] =>
  Array.isArray(streams)
    ? (streams as PublishedStream[]).flatMap((stream) =>
        !stream.disabled && (stream.type === 'audio' || stream.type === 'video') && typeof stream.mid === 'string' ? [stream.mid] : [],
      )
    : []
