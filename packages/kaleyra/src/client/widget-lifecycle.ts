import type { BandyerSdk, WidgetClient } from './kaleyra-widget-types'

/**
 * The widget holds one client per page: `configure` fails with `client_already_exists` until
 * `destroyClient()` has finished. Releases are remembered per widget, so that the next `connect`
 * (a rejoin, or the session's reconnect after `token-expired`) waits for the previous one.
 */
const releases = new WeakMap<BandyerSdk, Promise<void>>()

/** Disconnects `client` and destroys it. Never rejects: the page must be able to join again. */
export function releaseWidgetClient(sdk: BandyerSdk, client: WidgetClient): Promise<void> {
  const released = (async () => {
    await client.disconnect().catch(() => undefined)
    await sdk.destroyClient().catch(() => undefined)
  })()
  releases.set(sdk, released)
  return released
}

/** Resolves once the last release of `sdk`'s client has finished. */
export function widgetClientReleased(sdk: BandyerSdk): Promise<void> {
  return releases.get(sdk) ?? Promise.resolve()
}
