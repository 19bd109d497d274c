import { CallportError } from '../errors'
import { toMediaError } from './errors'

type SinkElement = HTMLMediaElement & { setSinkId?(sinkId: string): Promise<void> }

// The page's speaker choice and the elements it applies to. Module state, created lazily by the
// first call, so importing this module does nothing.
let state: { deviceId: string | undefined; elements: Set<SinkElement> } | undefined

const getState = (): NonNullable<typeof state> => (state ??= { deviceId: undefined, elements: new Set() })

/** True where the browser can choose an element's audio output (`HTMLMediaElement.prototype.setSinkId`). */
export function audioOutputSupported(): boolean {
  const prototype = (globalThis as { HTMLMediaElement?: { prototype?: object } }).HTMLMediaElement?.prototype
  return prototype !== undefined && 'setSinkId' in prototype
}

/** The speaker chosen with {@link setAudioOutput}; undefined while the browser's default plays. */
export function audioOutputDeviceId(): string | undefined {
  return state?.deviceId
}

/**
 * Plays `element` on the speaker chosen with {@link setAudioOutput} (now and on every later choice),
 * until {@link releaseAudioOutput}. `MediaElements.attach` calls it for every element a track plays
 * in. Never fails: where the browser refuses, the element plays on the default speaker.
 */
export function applyAudioOutput(element: HTMLMediaElement): Promise<void> {
  const current = getState()
  const target = element as SinkElement
  current.elements.add(target)
  if (current.deviceId === undefined || typeof target.setSinkId !== 'function') return Promise.resolve()
  return target.setSinkId(current.deviceId).catch(() => undefined)
}

/** Stops following the chosen speaker for `element` (`MediaElements.detach` calls it). */
export function releaseAudioOutput(element: HTMLMediaElement): void {
  state?.elements.delete(element)
}

/**
 * Plays every element tracks are attached to, and those attached later, on the speaker `deviceId`
 * (`MediaDeviceInfo.deviceId` of an `audiooutput`; `''` or `'default'` for the browser's default).
 * UNSUPPORTED where the browser cannot choose a speaker (no `setSinkId`); DEVICE_NOT_FOUND when the
 * browser does not know the device; PERMISSION_DENIED when it refuses it. On failure the previous
 * choice stays.
 */
export async function setAudioOutput(deviceId: string, options: { provider?: string } = {}): Promise<void> {
  const { provider } = options
  if (!audioOutputSupported()) {
    throw new CallportError('UNSUPPORTED', 'This browser cannot choose the speaker (HTMLMediaElement.setSinkId is missing)', { provider })
  }
  const current = getState()
  const sinkId = deviceId === 'default' ? '' : deviceId
  const elements = [...current.elements]
  // The first element (or a probe, when none is attached) lets the browser accept or refuse the device.
  const first = elements.shift() ?? (typeof document === 'undefined' ? undefined : document.createElement('audio'))
  try {
    await first?.setSinkId?.(sinkId)
  } catch (error) {
    throw toMediaError(error, provider)
  }
  current.deviceId = sinkId === '' ? undefined : sinkId
  await Promise.all(elements.map((element) => element.setSinkId?.(sinkId).catch(() => undefined)))
}
