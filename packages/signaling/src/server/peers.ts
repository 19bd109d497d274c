import { CallportError } from '@callport/core'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

/**
 * The signaling server's optional peer dependencies, loaded when a server is attached (never at
 * import time), so that `signaling()` — the token issuer — and the browser half need none of them.
 */
export interface SocketIoPeers {
  Server: typeof import('socket.io').Server
  WebSocketServer: typeof import('ws').WebSocketServer
}

/** The peers Redis scale-out needs on top of {@link SocketIoPeers}. */
export interface RedisPeers {
  createClient: typeof import('redis').createClient
  createAdapter: typeof import('@socket.io/redis-adapter').createAdapter
}

/** Imports a module by name; injectable so that tests can play a missing peer. */
export type PeerImporter = (specifier: string) => Promise<unknown>

/**
 * `import(specifier)` with a specifier that bundlers do not follow: an app that bundles the token issuer
 * for an edge runtime or a Worker gets no socket.io, ws or redis in its bundle (and needs none installed).
 * The signaling server itself runs on Node, where these resolve from node_modules when it starts.
 */
export const importPeer: PeerImporter = (specifier) => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)

function isMissing(error: unknown, specifier: string): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, message } = error as { code?: unknown; message?: unknown }
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false
  // A peer that is installed but misses one of its own dependencies is another problem: say so as it is.
  return typeof message !== 'string' || message.includes(`'${specifier}'`) || message.includes(`"${specifier}"`) || !message.includes("'")
}

async function load(importer: PeerImporter, specifier: string, purpose: string, install: string): Promise<Record<string, unknown>> {
  try {
    return (await importer(specifier)) as Record<string, unknown>
  } catch (error) {
    if (!isMissing(error, specifier)) throw error
    throw new CallportError(
      'UNSUPPORTED',
      `${specifier} is not installed: install ${install} to ${purpose} (they are optional peer dependencies of @callport/signaling, which signaling() and the browser half do not need)`,
      { provider: SIGNALING_PROVIDER, retryable: false, cause: error },
    )
  }
}

/** A named export of a loaded module, also through CommonJS interop (`default`). */
function exported<T>(module: Record<string, unknown>, name: string, specifier: string): T {
  const value = module[name] ?? (module.default as Record<string, unknown> | undefined)?.[name]
  if (typeof value !== 'function') {
    throw new CallportError('UNSUPPORTED', `${specifier} has no export ${name}: install a supported version (see @callport/signaling's peerDependencies)`, {
      provider: SIGNALING_PROVIDER,
      retryable: false,
    })
  }
  return value as T
}

/** Loads socket.io and ws; an `UNSUPPORTED` CallportError saying what to install when one is missing. */
export async function loadSocketIoPeers(importer: PeerImporter = importPeer): Promise<SocketIoPeers> {
  const purpose = 'run the signaling server'
  const install = 'socket.io and ws (npm install socket.io ws)'
  const [socketIo, ws] = await Promise.all([load(importer, 'socket.io', purpose, install), load(importer, 'ws', purpose, install)])
  return {
    Server: exported(socketIo, 'Server', 'socket.io'),
    WebSocketServer: exported(ws, 'WebSocketServer', 'ws'),
  }
}

/** Loads redis and @socket.io/redis-adapter, for `createSignalingServer({ redis })`. */
export async function loadRedisPeers(importer: PeerImporter = importPeer): Promise<RedisPeers> {
  const purpose = 'share signaling rooms through Redis (the `redis` option)'
  const install = 'redis and @socket.io/redis-adapter (npm install redis @socket.io/redis-adapter)'
  const [redis, adapter] = await Promise.all([load(importer, 'redis', purpose, install), load(importer, '@socket.io/redis-adapter', purpose, install)])
  return {
    createClient: exported(redis, 'createClient', 'redis'),
    createAdapter: exported(adapter, 'createAdapter', '@socket.io/redis-adapter'),
  }
}
