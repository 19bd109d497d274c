import { createLocalTracks } from '@callport/client'
import type { DeviceKind, LocalTrack, MediaDevice } from '@callport/core'

const kinds: readonly DeviceKind[] = ['camera', 'microphone', 'speaker']
const none: Record<DeviceKind, string> = { camera: 'No camera found', microphone: 'No microphone found', speaker: 'Default speaker' }

/**
 * The pre-join preview: the local tracks the page captures (`createLocalTracks`) with the chosen
 * devices, later handed to `join`. The page owns them: it stops them when they are replaced, and
 * after the call.
 */
export class Preview {
  #tracks: LocalTrack[] = []
  #generation = 0
  /** The device picked for each kind; absent: the browser's default. */
  readonly chosen: Partial<Record<DeviceKind, string>> = {}

  tracks(): LocalTrack[] {
    return this.#tracks.filter((track) => track.mediaStreamTrack.readyState === 'live')
  }

  camera(): MediaStreamTrack | undefined {
    return this.tracks().find((track) => track.kind === 'video')?.mediaStreamTrack
  }

  /** Captures anew what is asked for, with the chosen devices; rejects with the CallportError of the capture. */
  async start(want: { audio: boolean; video: boolean }): Promise<LocalTrack[]> {
    this.stop()
    const generation = this.#generation
    if (!want.audio && !want.video) return []
    const device = (kind: 'camera' | 'microphone') => (this.chosen[kind] ? { deviceId: this.chosen[kind] } : true)
    const tracks = await createLocalTracks({ audio: want.audio && device('microphone'), video: want.video && device('camera') })
    if (generation !== this.#generation) {
      // Replaced or stopped while the browser was capturing.
      for (const track of tracks) track.stop()
      return []
    }
    this.#tracks = tracks
    return tracks
  }

  stop(): void {
    this.#generation += 1
    for (const track of this.#tracks.splice(0)) track.stop()
  }
}

/** The camera, microphone and speaker pickers (`<select data-kind>`), filled from `listDevices`. */
export class DevicePickers {
  readonly #selects: Map<DeviceKind, HTMLSelectElement>

  constructor(
    root: ParentNode,
    readonly onChange: (kind: DeviceKind, deviceId: string) => void,
  ) {
    this.#selects = new Map(
      kinds.map((kind) => {
        const select = root.querySelector<HTMLSelectElement>(`select[data-kind="${kind}"]`)
        if (!select) throw new Error(`The page has no ${kind} picker`)
        select.addEventListener('change', () => onChange(kind, select.value))
        return [kind, select]
      }),
    )
  }

  show(devices: readonly MediaDevice[], chosen: Partial<Record<DeviceKind, string>>): void {
    for (const [kind, select] of this.#selects) {
      const ofKind = devices.filter((device) => device.kind === kind && device.deviceId !== '')
      const options = ofKind.map((device, index) => new Option(device.label || `${kind[0]!.toUpperCase()}${kind.slice(1)} ${index + 1}`, device.deviceId))
      if (options.length === 0) options.push(new Option(none[kind], ''))
      select.replaceChildren(...options)
      select.disabled = ofKind.length === 0
      const wanted = chosen[kind]
      if (wanted && ofKind.some((device) => device.deviceId === wanted)) select.value = wanted
    }
  }

  select(kind: DeviceKind, deviceId: string): void {
    const select = this.#selects.get(kind)!
    if ([...select.options].some((option) => option.value === deviceId)) select.value = deviceId
  }

  /** Hides the pickers of kinds that cannot be changed now (with the picker's label). */
  showKinds(available: (kind: DeviceKind) => boolean): boolean {
    let any = false
    for (const [kind, select] of this.#selects) {
      const shown = available(kind)
      ;(select.closest('label') ?? select).hidden = !shown
      any ||= shown
    }
    return any
  }
}
