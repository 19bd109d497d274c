// What the browser tests' pages do alike with a Callport session: log the events it emits, play the
// remote tracks it subscribes to, count the video frames an element presents. Runs in the page (the
// fixtures import this file by path and esbuild bundles it): DOM only, nothing of Node. The session is
// typed by the little used of it, so this package needs no Callport dependency.

/** One event a page's session emitted, reduced to what the tests compare (JSON-serializable). */
export interface LoggedEvent {
  name: string
  identity?: string
  /** The participant's display name. */
  participantName?: string
  source?: string
  kind?: string
  reason?: string
  quality?: string
  deviceId?: string
  local?: boolean
  speakers?: Array<{ identity: string; level: number }>
}

/** What these helpers use of a Callport session (`Session.on`). */
export interface SessionEvents {
  on(name: string, listener: (event: any) => void): unknown
}

/** A subscribed remote track, as `track-subscribed` / `track-unsubscribed` hand it over. */
interface RemoteTrackEvent {
  participant: { identity: string }
  track: { source: string; attach(): HTMLMediaElement; detach(): HTMLMediaElement[] }
}

/** The `LoggedEvent` of one emitted event (participant, track, kind, reason, quality, device, speakers). */
export function loggedEvent(name: string, event: unknown): LoggedEvent {
  const e = (event ?? {}) as Record<string, any>
  return {
    name,
    identity: e.participant?.identity,
    participantName: e.participant?.name,
    source: e.track?.source,
    kind: e.kind ?? e.track?.kind,
    reason: e.reason,
    quality: e.quality,
    deviceId: e.deviceId,
    local: e.local,
    speakers: e.speakers?.map((speaker: { participant: { identity: string }; level: number }) => ({ identity: speaker.participant.identity, level: speaker.level })),
  }
}

/** Appends to `events` every event of `names` that `session` emits. */
export function logSessionEvents(session: SessionEvents, names: readonly string[], events: LoggedEvent[]): void {
  for (const name of names) session.on(name, (event: unknown) => events.push(loggedEvent(name, event)))
}

/** Plays `element` muted (autoplay), appended to the page. */
export function playMuted(element: HTMLMediaElement): HTMLMediaElement {
  element.muted = true
  element.autoplay = true
  document.body.append(element)
  void element.play().catch(() => undefined)
  return element
}

/** The key of a remote track in `showRemoteTracks`'s map: `<identity>:<source>`. */
export const remoteTrackKey = (identity: string, source: string): string => `${identity}:${source}`

/**
 * Plays every remote track `session` subscribes to (`playMuted`), keeping its element in `elements`
 * by `remoteTrackKey`; an unsubscribed track's elements are removed from the page and the map (unless
 * the key already holds the element of a track published again).
 */
export function showRemoteTracks(session: SessionEvents, elements: Map<string, HTMLMediaElement>): void {
  session.on('track-subscribed', ({ participant, track }: RemoteTrackEvent) => {
    elements.set(remoteTrackKey(participant.identity, track.source), playMuted(track.attach()))
  })
  session.on('track-unsubscribed', ({ participant, track }: RemoteTrackEvent) => {
    const key = remoteTrackKey(participant.identity, track.source)
    for (const element of track.detach()) {
      element.remove()
      if (elements.get(key) === element) elements.delete(key)
    }
  })
}

/** Calls `onFrame` for every video frame `video` presents (requestVideoFrameCallback). */
export function onVideoFrames(video: HTMLVideoElement, onFrame: () => void): void {
  const count = () => {
    onFrame()
    video.requestVideoFrameCallback(count)
  }
  video.requestVideoFrameCallback(count)
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 50))

/**
 * Counts the frames the video element `find` answers presents, once there is one with a picture,
 * until `wanted` or `timeout` ms in all (0 when none came). Waiting for amounts rather than measuring a
 * fixed time keeps a slow machine from failing a test.
 */
export async function countFrames(find: () => HTMLMediaElement | undefined, wanted: number, timeout = 15_000): Promise<number> {
  const deadline = performance.now() + timeout
  const video = () => {
    const element = find()
    return element instanceof HTMLVideoElement && element.videoWidth > 0 ? element : undefined
  }
  while (!video() && performance.now() < deadline) await pause()
  const element = video()
  if (!element) return 0
  let frames = 0
  onVideoFrames(element, () => (frames += 1))
  while (frames < wanted && performance.now() < deadline) await pause()
  return frames
}
