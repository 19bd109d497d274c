import { CallportError } from '@callport/core'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import type { VidyoConnector, VidyoLocalDevice, VidyoLocalDeviceEventListener, VidyoParticipantEventListener, VidyoReconnectEventListener } from './vidyo-client-types'

/** A local device kind VidyoConnector reports (the same words as core's DeviceKind). */
export type VidyoDeviceKind = 'camera' | 'microphone' | 'speaker'

/** The local device changes a connection hears of (from the three local device listeners). */
export interface DeviceListener {
  /** A device went away; `wasSelected` when it was the one in use. */
  onRemoved(kind: VidyoDeviceKind, device: VidyoLocalDevice, wasSelected: boolean): void
  /** The device in use changed (null: none is). */
  onSelected(kind: VidyoDeviceKind, device: VidyoLocalDevice | null): void
}

/** Where a connector's events go while one connection uses it. */
export interface ConnectorListeners {
  participant: VidyoParticipantEventListener
  reconnect: VidyoReconnectEventListener
  devices?: DeviceListener
}

/** The local devices VidyoConnector reported through its device listeners. */
export interface LocalDevices {
  readonly selected: Record<VidyoDeviceKind, VidyoLocalDevice | null>
  /** Every device of each kind reported by `onAdded` and not yet by `onRemoved`, in the order reported. */
  readonly available: Record<VidyoDeviceKind, VidyoLocalDevice[]>
}

export interface PooledConnector {
  readonly connector: VidyoConnector
  readonly devices: LocalDevices
  /** Sends the connector's events to `listeners` until the returned release function is called. */
  use(listeners: ConnectorListeners): () => void
}

/**
 * One VidyoConnector per view element, kept as long as the element and reused by every connection shown in
 * that view (a reconnection included), as Vidyo's samples create a connector once and then Connect
 * and Disconnect it repeatedly. Its listeners are registered once and forward to the connection
 * using it.
 */
export function createConnectorPool(): {
  /** The view's connector, made with `create` the first time. */
  acquire(view: { id: string }, create: () => Promise<VidyoConnector>): Promise<PooledConnector>
} {
  const pool = new WeakMap<object, Promise<PooledConnector>>()

  async function prepare(viewId: string, create: () => Promise<VidyoConnector>): Promise<PooledConnector> {
    const connector = await create()
    let active: ConnectorListeners | undefined
    const registered = await connector.RegisterParticipantEventListener({
      onJoined: (participant) => active?.participant.onJoined(participant),
      onLeft: (participant) => active?.participant.onLeft(participant),
      onDynamicChanged: (participants, cameras) => active?.participant.onDynamicChanged(participants, cameras),
      onLoudestChanged: (participant, audioOnly) => active?.participant.onLoudestChanged(participant, audioOnly),
    })
    if (!registered) {
      throw new CallportError('CONNECTION_FAILED', 'VidyoConnector refused RegisterParticipantEventListener', { provider: VIDYO_PROVIDER })
    }
    // Vidyo's own reconnection exists in newer SDK builds only.
    await connector.RegisterReconnectEventListener?.({
      onReconnecting: (attempt, attemptTimeout, lastReason) => active?.reconnect.onReconnecting(attempt, attemptTimeout, lastReason),
      onReconnected: () => active?.reconnect.onReconnected(),
      // The attempts are exhausted; VidyoClient then disconnects, and onDisconnected ends the call.
      onConferenceLost: (lastReason) => active?.reconnect.onConferenceLost(lastReason),
    })
    // Vidyo's samples register the three local device listeners as soon as the connector exists
    // (vidyo.io-connector-angular home.component.ts, VidyoPlatform-Connector-WebRTC-angular
    // vidyo-connector.ts registerDeviceListeners). VidyoConnector.h: with a viewId, device detection
    // starts implicitly and default devices are selected; otherwise "the device detection will not
    // start until the appropriate event listeners are registered such as
    // VidyoConnectorRegisterLocalCameraEventListener()". VidyoClient 22.3.0.0058 resolves each
    // registration once detection is done, selecting the default device if none is, and requires all
    // four callbacks. Registering them here, and waiting for them, has the devices chosen before
    // Connect whichever way the SDK build behaves. A registration answering false (no device of that
    // kind could be detected) does not stop the call: it goes on without that device, as in the samples.
    const selected: LocalDevices['selected'] = { camera: null, microphone: null, speaker: null }
    const available: LocalDevices['available'] = { camera: [], microphone: [], speaker: [] }
    const tracking = (kind: VidyoDeviceKind): VidyoLocalDeviceEventListener => ({
      onAdded: (device) => {
        if (device && !available[kind].some((known) => known.id === device.id)) available[kind].push(device)
      },
      onRemoved: (device) => {
        if (!device) return
        available[kind] = available[kind].filter((known) => known.id !== device.id)
        const wasSelected = selected[kind]?.id === device.id
        if (wasSelected) selected[kind] = null
        active?.devices?.onRemoved(kind, device, wasSelected)
      },
      onSelected: (device) => {
        selected[kind] = device ?? null
        active?.devices?.onSelected(kind, device ?? null)
      },
      onStateUpdated: () => undefined,
    })
    await Promise.all([
      connector.RegisterLocalCameraEventListener(tracking('camera')),
      connector.RegisterLocalMicrophoneEventListener(tracking('microphone')),
      connector.RegisterLocalSpeakerEventListener(tracking('speaker')),
    ]).catch((error: unknown) => {
      throw new CallportError('CONNECTION_FAILED', 'VidyoConnector could not register its local device listeners', { provider: VIDYO_PROVIDER, cause: error })
    })
    return {
      connector,
      devices: { selected, available },
      use(listeners) {
        if (active !== undefined) {
          throw new CallportError('INVALID_INPUT', `The element #${viewId} already shows a Vidyo call: leave it first, or join in another container`, {
            provider: VIDYO_PROVIDER,
          })
        }
        active = listeners
        return () => {
          if (active === listeners) active = undefined
        }
      },
    }
  }

  return {
    acquire(view, create) {
      let pending = pool.get(view)
      if (pending === undefined) {
        pending = prepare(view.id, create)
        pool.set(view, pending)
        pending.catch(() => pool.delete(view))
      }
      return pending
    },
  }
}
