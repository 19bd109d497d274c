/**
 * The widget has no API to switch the microphone or the camera. Callport watches the tracks the
 * widget captures with `navigator.mediaDevices.getUserMedia` while a connection lives, and switches
 * them with `track.enabled` (the other participants get silence / black frames). The widget's own
 * buttons do not reflect these switches.
 */
export interface WidgetMedia {
  /** Applies `enabled` to the captured tracks of `kind`, and to those captured later. */
  setEnabled(kind: 'audio' | 'video', enabled: boolean): void
  /** Stops watching and gives `getUserMedia` back. */
  release(): void
}

type GetUserMedia = MediaDevices['getUserMedia']

export function watchWidgetMedia(initial: { audio: boolean; video: boolean }): WidgetMedia {
  const enabled = { audio: initial.audio, video: initial.video }
  const tracks = new Set<MediaStreamTrack>()
  const devices = (globalThis as { navigator?: Navigator }).navigator?.mediaDevices
  let restore = (): void => undefined

  if (devices && typeof devices.getUserMedia === 'function') {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kept unbound on purpose: called with .call(devices) and put back as the same function by restore()
    const original: GetUserMedia = devices.getUserMedia
    const hadOwn = Object.hasOwn(devices, 'getUserMedia')
    const watching: GetUserMedia = async (constraints) => {
      const stream = await original.call(devices, constraints)
      for (const track of stream.getTracks()) {
        if (track.kind !== 'audio' && track.kind !== 'video') continue
        tracks.add(track)
        track.enabled = enabled[track.kind]
        track.addEventListener('ended', () => tracks.delete(track))
      }
      return stream
    }
    devices.getUserMedia = watching
    restore = () => {
      if (devices.getUserMedia !== watching) return
      if (hadOwn) devices.getUserMedia = original
      else delete (devices as Partial<MediaDevices>).getUserMedia
    }
  }

  return {
    setEnabled(kind, value) {
      enabled[kind] = value
      for (const track of tracks) if (track.kind === kind) track.enabled = value
    },
    release() {
      restore()
      tracks.clear()
    },
  }
}
