import { randomUUID } from 'node:crypto'
import { createAdapter } from '@socket.io/redis-adapter'
import { createClient } from 'redis'
import type { Server } from 'socket.io'
import { createRedisMemberDirectory, type LostMember, type RedisMemberDirectory } from './redis-member-directory'

/** Scale-out through Redis: several signaling processes share rooms. */
export interface RedisScaleOutOptions {
  /** `redis://` (or `rediss://`) URL of a standalone Redis. */
  url: string
  /** Prefix of every key and pub/sub channel. Default `callport:signaling`. */
  keyPrefix?: string
  /** Milliseconds without a heartbeat after which a process counts as dead. Default 10000. */
  nodeTimeoutMs?: number
  /** Milliseconds between sweeps for dead processes. Default 5000. */
  sweepIntervalMs?: number
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
export async function startRedisScaleOut(io: Server, options: RedisScaleOutOptions, handlers: RedisScaleOutHandlers): Promise<RedisScaleOut> {
  const keyPrefix = options.keyPrefix ?? 'callport:signaling'
  const publisher = createClient({ url: options.url })
  const subscriber = publisher.duplicate()
  publisher.on('error', handlers.onError)
  subscriber.on('error', handlers.onError)
  try {
    await Promise.all([publisher.connect(), subscriber.connect()])
    const directory = createRedisMemberDirectory({
      client: publisher,
      nodeId: randomUUID(),
      keyPrefix: `${keyPrefix}:`,
      nodeTimeoutMs: options.nodeTimeoutMs ?? 10_000,
      sweepIntervalMs: options.sweepIntervalMs ?? 5_000,
      ...handlers,
    })
    io.adapter(createAdapter(publisher, subscriber, { key: `${keyPrefix}:socket.io` }))
    await directory.start()
    return {
      directory,
      async disconnect() {
        await Promise.allSettled([publisher.quit(), subscriber.quit()])
      },
    }
  } catch (error) {
    publisher.destroy()
    subscriber.destroy()
    throw error
  }
}
