import { networkInterfaces } from 'node:os'
import { requireTool, type ToolAvailability } from './tools'

export interface PrivateNetworkAvailability {
  /** True when this process runs in a network namespace whose only interface is loopback. */
  available: boolean
  /** Why a media suite is skipped when it is not, for `meta: { skipReason }` (npm test lists it). */
  skipReason: string
}

/**
 * Whether this process runs inside the private network namespace `private-network` (bin/private-network.mjs)
 * made: CALLPORT_PRIVATE_NETWORK=1 and no interface but `lo`. Browser media tests need it: Chromium
 * gathers every interface's address for WebRTC, and media must never leave loopback.
 */
export function findPrivateNetwork(): PrivateNetworkAvailability {
  const interfaces = Object.keys(networkInterfaces())
  if (process.env.CALLPORT_PRIVATE_NETWORK === '1' && interfaces.every((name) => name === 'lo')) return { available: true, skipReason: '' }
  const why =
    process.env.CALLPORT_PRIVATE_NETWORK === '1'
      ? `the namespace has interfaces besides lo (${interfaces.join(', ')})`
      : (process.env.CALLPORT_PRIVATE_NETWORK_UNAVAILABLE ?? 'not started through private-network (run the package’s `npm test` script, which wraps vitest in it)')
  return { available: false, skipReason: `no private loopback-only network namespace: ${why}` }
}

/**
 * Like `requireTool`, for browser media suites: with `CI=true` a missing private network is a failure
 * (media would otherwise be skipped silently); elsewhere the suite is skipped with the reason printed.
 */
export function requirePrivateNetwork(suite: string): PrivateNetworkAvailability {
  const network = findPrivateNetwork()
  if (network.available) return network
  const message = `${suite}: skipped, ${network.skipReason}`
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${message}. CI=true requires it.`)
  console.warn(`\n[callport] ${message}\n`)
  return network
}

/**
 * For suites that play WebRTC media between Chromium pages: Chromium found (`requireTool`) and this
 * process inside the private loopback-only network (`requirePrivateNetwork`). One availability, one
 * skip reason, for `describe.skipIf(!media.available)('…', { meta: { skipReason: media.skipReason } }, …)`.
 */
export function requireBrowserMedia(suite: string): PrivateNetworkAvailability & { chromium: ToolAvailability } {
  const chromium = requireTool('chromium', suite)
  if (!chromium.available) return { available: false, skipReason: chromium.skipReason, chromium }
  return { ...requirePrivateNetwork(suite), chromium }
}
