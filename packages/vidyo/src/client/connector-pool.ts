import { CallportError } from '@callport/core'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import type { VidyoConnector, VidyoParticipantEventListener, VidyoReconnectEventListener } from './vidyo-client-types'

/** Where a connector's events go while one connection uses it. */
export interface ConnectorListeners {
  participant: VidyoParticipantEventListener
  reconnect: VidyoReconnectEventListener
}

export interface PooledConnector {
  readonly connector: VidyoConnector
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
    })
    return {
      connector,
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
