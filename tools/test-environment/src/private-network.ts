import { spawnSync } from 'node:child_process'
import { networkInterfaces } from 'node:os'
import { requireTool, type ToolAvailability } from './tools'

/**
 * The interface `addLoopbackMediaInterface` adds inside the private network: one end of a veth pair
 * (its peer is `cp1`, with no address) carrying 127.0.0.1/32. Janus drops interfaces flagged as
 * loopback before it reads `ice_enforce_list`, so on `lo` alone it gathers no candidate; on `cp0` it
 * gathers 127.0.0.1. Both ends stay inside the namespace, so the network remains private.
 */
export const loopbackMediaInterface = 'cp0'
const loopbackMediaPeer = 'cp1'

/** `lo`, or the veth pair of `addLoopbackMediaInterface` with no address but 127.0.0.1 (nothing leaves the namespace). */
function isPrivate(name: string, addresses: { address: string }[] | undefined): boolean {
  if (name === 'lo') return true
  return (name === loopbackMediaInterface || name === loopbackMediaPeer) && (addresses ?? []).every(({ address }) => address === '127.0.0.1')
}

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
  const found = networkInterfaces()
  const interfaces = Object.keys(found)
  if (process.env.CALLPORT_PRIVATE_NETWORK === '1' && interfaces.every((name) => isPrivate(name, found[name]))) return { available: true, skipReason: '' }
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

/**
 * Inside the private network only: adds (once; later calls reuse it) the veth pair `cp0`/`cp1` with
 * 127.0.0.1/32 on `cp0` and no IPv6 link-local address, so that Janus can gather 127.0.0.1 with
 * `ice_enforce_list = "cp0"` (see `loopbackMediaInterface`). Returns the interface's name; throws
 * outside the private network (it would change the machine's own network) or when `ip` fails.
 */
export function addLoopbackMediaInterface(): string {
  if (!findPrivateNetwork().available) throw new Error(`addLoopbackMediaInterface: ${findPrivateNetwork().skipReason}`)
  if (networkInterfaces()[loopbackMediaInterface]) return loopbackMediaInterface
  const steps = [
    ['link', 'add', loopbackMediaInterface, 'type', 'veth', 'peer', 'name', loopbackMediaPeer],
    ['link', 'set', loopbackMediaInterface, 'addrgenmode', 'none'],
    ['link', 'set', loopbackMediaPeer, 'addrgenmode', 'none'],
    ['addr', 'add', '127.0.0.1/32', 'dev', loopbackMediaInterface],
    ['link', 'set', loopbackMediaInterface, 'up'],
    ['link', 'set', loopbackMediaPeer, 'up'],
  ]
  for (const step of steps) {
    const result = spawnSync('ip', step, { encoding: 'utf8' })
    // Another test file in the same namespace may have added it meanwhile.
    if (step[1] === 'add' && step[0] === 'link' && /File exists/.test(result.stderr ?? '')) return loopbackMediaInterface
    if (result.error || result.status !== 0) throw new Error(`ip ${step.join(' ')} failed: ${result.error?.message ?? result.stderr.trim()}`)
  }
  return loopbackMediaInterface
}
