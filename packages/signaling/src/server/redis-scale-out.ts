import { CallportError } from '@callport/core'
import type { Server } from 'socket.io'
import type { RedisPeers } from './peers'
import { createRedisMemberDirectory, type LostMember, type RedisMemberDirectory } from './redis-member-directory'
import { SIGNALING_PROVIDER } from '../shared/provider-id'
import type { ResolvedRedisScaleOut } from './server-options'

const MAXIMUM_RECONNECT_DELAY_MILLISECONDS = 5_000

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(an invalid URL)'
  }
}

export interface RedisScaleOut {
  directory: RedisMemberDirectory
  /** Closes the Redis connections (after `io.close()`, which unsubscribes the adapter). */
  disconnect(): Promise<void>
}

export interface RedisScaleOutHandlers {
  onMembersLost(members: LostMember[]): void
  onNodeSwept(): void
  onError(error: unknown): void
}

/**
 * Connects to Redis, installs socket.io's Redis adapter on `io` (so broadcasts reach every process)
 * and starts the shared member directory.
 */
export async function startRedisScaleOut(
  io: Server,
  { createClient, createAdapter }: RedisPeers,
  options: ResolvedRedisScaleOut,
  handlers: RedisScaleOutHandlers,
): Promise<RedisScaleOut> {
  const { keyPrefix } = options
  let connected = false
  // The first connection fails fast (so that attach/listen reject); later outages are retried with backoff.
  const reconnectStrategy = (retries: number, cause: Error): number | Error => (connected ? Math.min(100 * (retries + 1), MAXIMUM_RECONNECT_DELAY_MILLISECONDS) : cause)
  const publisher = createClient({ url: options.url, socket: { reconnectStrategy } })
  const subscriber = publisher.duplicate()
  const reportOnceConnected = (error: unknown) => {
    if (connected) handlers.onError(error)
  }
  publisher.on('error', reportOnceConnected)
  subscriber.on('error', reportOnceConnected)
  try {
    await Promise.all([publisher.connect(), subscriber.connect()])
    connected = true
    const directory = createRedisMemberDirectory({
      client: publisher,
      nodeId: globalThis.crypto.randomUUID(),
      keyPrefix: `${keyPrefix}:`,
      nodeTimeout: options.nodeTimeout,
      sweepInterval: options.sweepInterval,
      ...handlers,
    })
    io.adapter(createAdapter(publisher, subscriber, { key: `${keyPrefix}:socket.io` }))
    await directory.start()
    return {
      directory,
      async disconnect() {
        await Promise.allSettled([publisher.close(), subscriber.close()])
      },
    }
  } catch (error) {
    for (const client of [publisher, subscriber]) if (client.isOpen) client.destroy()
    throw new CallportError('PROVIDER_UNAVAILABLE', `Could not connect to Redis at ${redactedUrl(options.url)}: ${error instanceof Error ? error.message : String(error)}`, {
      provider: SIGNALING_PROVIDER,
      cause: error,
    })
  }
}
