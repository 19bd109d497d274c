import { CallportError, type TrackKind } from '@callport/core'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>

/**
 * The local camera and microphone. The microphone is muted by disabling its track (unmuting is
 * instant); the camera is stopped when disabled (its light goes off) and captured again when enabled.
 */
export class LocalMedia {
  readonly #getUserMedia: GetUserMedia | undefined
  readonly #tracks = new Map<TrackKind, MediaStreamTrack>()
  readonly #stream: MediaStream | undefined

  constructor(getUserMedia: GetUserMedia | undefined) {
    this.#getUserMedia = getUserMedia
    this.#stream = getUserMedia && typeof MediaStream === 'function' ? new MediaStream() : undefined
  }

  /** False where there is no getUserMedia: nothing is captured and every toggle only changes what is announced. */
  get available(): boolean {
    return this.#getUserMedia !== undefined
  }

  /** The stream every local track belongs to (the peer sees the tracks grouped in it). */
  get stream(): MediaStream | undefined {
    return this.#stream
  }

  /** Tracks currently sending (a muted microphone still counts: it sends silence). */
  tracks(): Map<TrackKind, MediaStreamTrack> {
    return new Map(this.#tracks)
  }

  isEnabled(kind: TrackKind): boolean {
    const track = this.#tracks.get(kind)
    return track !== undefined && track.enabled && track.readyState === 'live'
  }

  /** Captures the requested kinds at once. */
  async start(request: Record<TrackKind, boolean>): Promise<void> {
    const kinds = (['audio', 'video'] as const).filter((kind) => request[kind])
    if (!this.#getUserMedia || kinds.length === 0) return
    await this.#capture(kinds)
  }

  /**
   * Enables or disables one kind. Returns the track peers should now receive for that kind, or null
   * when they should receive nothing, and whether that differs from what they received before.
   */
  async setEnabled(kind: TrackKind, enabled: boolean): Promise<{ track: MediaStreamTrack | null; changed: boolean }> {
    const current = this.#tracks.get(kind)
    if (!this.#getUserMedia) return { track: null, changed: false }
    if (enabled) {
      if (current && current.readyState === 'live') {
        current.enabled = true
        return { track: current, changed: false }
      }
      await this.#capture([kind])
      return { track: this.#tracks.get(kind) ?? null, changed: true }
    }
    if (!current) return { track: null, changed: false }
    if (kind === 'audio') {
      current.enabled = false
      return { track: current, changed: false }
    }
    this.#remove(kind)
    return { track: null, changed: true }
  }

  /** Stops every track (the devices are released). */
  stop(): void {
    for (const kind of [...this.#tracks.keys()]) this.#remove(kind)
  }

  async #capture(kinds: TrackKind[]): Promise<void> {
    const getUserMedia = this.#getUserMedia
    if (!getUserMedia) return
    let captured: MediaStream
    try {
      captured = await getUserMedia({ audio: kinds.includes('audio'), video: kinds.includes('video') })
    } catch (cause) {
      throw mediaError(cause)
    }
    for (const track of captured.getTracks()) {
      const kind = track.kind === 'audio' ? 'audio' : 'video'
      this.#remove(kind)
      this.#tracks.set(kind, track)
      this.#stream?.addTrack(track)
    }
  }

  #remove(kind: TrackKind): void {
    const track = this.#tracks.get(kind)
    if (!track) return
    track.stop()
    this.#stream?.removeTrack(track)
    this.#tracks.delete(kind)
  }
}

function mediaError(cause: unknown): CallportError {
  const name = (cause as { name?: unknown } | null)?.name
  const message = cause instanceof Error ? cause.message : String(cause)
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return new CallportError('FORBIDDEN', `Camera or microphone access was refused: ${message}`, { provider: SIGNALING_PROVIDER, cause })
  }
  return new CallportError('UNSUPPORTED', `Camera or microphone could not be opened: ${message}`, { provider: SIGNALING_PROVIDER, cause })
}
