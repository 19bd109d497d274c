import type { DeviceKind, DevicesChangedEvent, MediaDevice } from '@callport/core'

const kindOf: Readonly<Record<string, DeviceKind>> = { videoinput: 'camera', audioinput: 'microphone', audiooutput: 'speaker' }

/** navigator.mediaDevices, or undefined outside a browser's secure context. */
export const mediaDevices = (): MediaDevices | undefined => (globalThis as { navigator?: { mediaDevices?: MediaDevices } }).navigator?.mediaDevices

/** The cameras, microphones and speakers the browser lists now (no permission step; labels may be empty). */
export async function enumerate(): Promise<MediaDevice[]> {
  const listed = (await mediaDevices()?.enumerateDevices()) ?? []
  return listed.flatMap(({ deviceId, kind, label, groupId }) => {
    const mapped = kindOf[kind]
    return mapped === undefined ? [] : [{ deviceId, kind: mapped, label, groupId }]
  })
}

/**
 * Calls `listener` with every device the browser lists after each `devicechange` (a device plugged
 * in or removed); returns the function that stops watching. Does nothing outside a browser.
 */
export function onDevicesChanged(listener: (event: DevicesChangedEvent) => void): () => void {
  const devices = mediaDevices()
  if (!devices) return () => {}
  const onChange = (): void =>
    void enumerate().then(
      (listed) => listener({ devices: listed }),
      () => {},
    )
  devices.addEventListener('devicechange', onChange)
  return () => devices.removeEventListener('devicechange', onChange)
}
