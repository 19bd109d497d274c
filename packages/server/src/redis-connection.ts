import { CallportError } from '@callport/core'
import { createClient, ErrorReply } from 'redis'
import * as z from 'zod/mini'

/**
 * What the Redis stores (`createRedisRoomStore`, `createRedisInviteStore`, `createRedisRateLimitStore`) share: their connection
 * options, the client they open or borrow, the bound on every store call, and the validation of what
 * they read back.
 */

/** The default of the stores' `timeout` option: how long one store call may take, in milliseconds. */
export const DEFAULT_REDIS_TIMEOUT_MILLISECONDS = 2000
/** The longest wait between two attempts to reconnect a client the store opened, in milliseconds. */
export const MAXIMUM_RECONNECT_DELAY_MILLISECONDS = 1000

/** `{ url } | { client }`, and `timeout`: the connection options both Redis stores take. */
export type RedisConnectionOptions<Client> = {
  /**
   * The longest one store call (one `get`, `setIfAbsent`, `add`, `settle`… with every Redis command it
   * sends) may take, in milliseconds, connecting included. Past it the call fails with
   * PROVIDER_UNAVAILABLE (retryable), which the HTTP API answers as 503: a Redis that is down, restarting
   * or stuck never holds a request longer than this. A whole number from 1 to 60000; default 2000.
   */
  timeout?: number
} & (
  | {
      /**
       * Redis URL, such as `redis://127.0.0.1:6379`; the store opens the client and `close()` closes it.
       * That client fails commands at once while it is disconnected (no offline queue), connects within
       * `timeout`, and reconnects by itself, forever, at most MAXIMUM_RECONNECT_DELAY_MILLISECONDS apart.
       */
      url: string
      client?: undefined
    }
  | {
      /**
       * A client the app owns (connected, or connecting); `close()` leaves it open. Its calls are bounded by
       * `timeout` too, but how it queues and reconnects is the app's: give it `disableOfflineQueue: true` and
       * a `socket.reconnectStrategy` that never gives up.
       */
      client: Client
      url?: undefined
    }
)

/**
 * The client of a store, and the bound on each store call.
 * @internal
 */
export interface RedisConnection<Client> {
  /**
   * Runs one store call on the client within the timeout. CallportErrors it throws pass through; Redis
   * being unreachable, disconnected, slow or busy (LOADING, BUSY, READONLY…) becomes PROVIDER_UNAVAILABLE
   * (retryable); any other error reply of Redis becomes INTERNAL.
   */
  run<T>(operation: string, call: (client: Client) => Promise<T>): Promise<T>
  /**
   * Calls `listener` whenever Redis answers again after the store lost it: a client the store opened
   * reconnected, or a call succeeded after one failed. Redis may have restarted empty meanwhile.
   */
  onRecovered(listener: () => void): void
  /** Closes the client if the store opened it. */
  close(): Promise<void>
}

type OwnedClient = ReturnType<typeof createClient>

/** Redis error replies that say "not now" rather than "never". */
const TRANSIENT_REPLIES = ['LOADING', 'BUSY', 'READONLY', 'MASTERDOWN', 'TRYAGAIN', 'CLUSTERDOWN', 'NOREPLICAS', 'OOM', 'MISCONF']

function isErrorReply(error: unknown): error is Error {
  if (error instanceof ErrorReply) return true
  const name = (error as { constructor?: { name?: unknown } } | null)?.constructor?.name
  return error instanceof Error && (name === 'ErrorReply' || name === 'SimpleError' || name === 'BlobError')
}

const optionsShape = {
  url: z.optional(z.string().check(z.minLength(1, 'url must be a non-empty Redis URL'))),
  client: z.optional(z.custom<object>((value) => typeof value === 'object' && value !== null, 'client must be a Redis client object')),
  timeout: z.optional(z.int('timeout must be a whole number of milliseconds').check(z.minimum(1), z.maximum(60_000))),
  keyPrefix: z.optional(z.string()),
}

/**
 * Validates a store's options with zod: unknown options are refused (INVALID_INPUT naming them), and
 * exactly one of `url` and `client` is required. `extra` adds the store's own options.
 * @internal
 */
export function parseStoreOptions<Options>(given: Options, factory: string, extra: z.core.$ZodShape): Options {
  const options: unknown = given
  if (typeof options !== 'object' || options === null) throw new CallportError('INVALID_INPUT', `${factory}: give either url or client`)
  const known = { ...optionsShape, ...extra }
  const unknown = Object.keys(options).filter((key) => !(key in known))
  if (unknown.length > 0) {
    throw new CallportError(
      'INVALID_INPUT',
      `${factory}: unknown option ${unknown.map((key) => JSON.stringify(key)).join(', ')}; the options are ${Object.keys(known).join(', ')}`,
    )
  }
  const result = z.object(known).safeParse(options)
  if (!result.success) {
    const issue = result.error.issues[0]!
    throw new CallportError('INVALID_INPUT', `${factory}: ${issue.path.join('.') || 'options'}: ${issue.message}`, { cause: result.error })
  }
  const parsed = result.data as Record<string, unknown>
  if ((parsed.url === undefined) === (parsed.client === undefined)) throw new CallportError('INVALID_INPUT', `${factory}: give either url or client`)
  return given
}

/**
 * The client of a Redis store: the app's `client`, or one opened from `url` on first use (`factory`
 * names the store in errors), and the timeout of each store call.
 * @internal
 */
export function redisConnection<Client extends object>(options: RedisConnectionOptions<Client>, factory: string): RedisConnection<Client> {
  const timeout = options.timeout ?? DEFAULT_REDIS_TIMEOUT_MILLISECONDS
  const recoveredListeners: (() => void)[] = []
  const recovered = (): void => {
    for (const listener of recoveredListeners) listener()
  }
  /** True from a failed call until one succeeds. */
  let failing = false

  const unavailable = (reason: string, cause?: unknown): CallportError =>
    new CallportError('PROVIDER_UNAVAILABLE', `${factory}: Redis is unavailable (${reason}); try again`, { retryable: true, cause })

  let ready: (() => Promise<Client>) | undefined
  let close: () => Promise<void> = async () => {}

  if (options.client !== undefined) {
    const client = options.client
    ready = async () => client
    // A node-redis client says when it is back; other clients are noticed through calls that succeed again.
    const events = client as { on?: (event: string, listener: (...values: unknown[]) => void) => unknown }
    if (typeof events.on === 'function') {
      let seenReady = false
      events.on.call(client, 'ready', () => {
        if (seenReady) recovered()
        seenReady = true
      })
    }
  } else {
    let owned: OwnedClient
    try {
      owned = createClient({
        url: options.url,
        // While disconnected, commands fail at once instead of waiting in a queue for a Redis that may not come back.
        disableOfflineQueue: true,
        socket: {
          connectTimeout: timeout,
          // Reconnect forever, soon: a restarted Redis is used again within MAXIMUM_RECONNECT_DELAY_MILLISECONDS.
          reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, MAXIMUM_RECONNECT_DELAY_MILLISECONDS),
        },
      })
    } catch (cause) {
      throw new CallportError('INVALID_INPUT', `${factory}: url is not a Redis URL`, { cause })
    }
    let started = false
    let closed = false
    /** True from a connection error until the client is ready again: calls fail at once meanwhile. */
    let down = false
    let everReady = false
    /** Settles when the client is next ready (or fails to connect). */
    let waiters: { resolve: () => void; reject: (error: unknown) => void }[] = []
    owned.on('error', (error: unknown) => {
      // Without this listener a connection error would crash the process; failed commands reject on their own.
      down = true
      const waiting = waiters
      waiters = []
      for (const waiter of waiting) waiter.reject(error)
    })
    owned.on('ready', () => {
      down = false
      const waiting = waiters
      waiters = []
      for (const waiter of waiting) waiter.resolve()
      if (everReady) recovered()
      everReady = true
    })
    ready = async () => {
      if (closed) throw unavailable('the store is closed')
      if (owned.isReady) return owned as unknown as Client
      if (!started) {
        started = true
        // Resolves once connected; it never rejects while reconnecting (the strategy never gives up).
        owned.connect().catch(() => {})
      } else if (down) {
        throw unavailable('not connected')
      }
      await new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }))
      return owned as unknown as Client
    }
    close = async () => {
      closed = true
      if (!owned.isOpen) return
      if (owned.isReady) await owned.close()
      else owned.destroy()
    }
  }

  const connection: RedisConnection<Client> = {
    async run(operation, call) {
      let timer: ReturnType<typeof setTimeout> | undefined
      let timedOut = false
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true
          reject(unavailable(`no answer within ${timeout} ms`))
        }, timeout)
      })
      // A client that gets ready after the deadline runs nothing for a caller that was already answered.
      const started = ready().then((client) => (timedOut ? Promise.reject(unavailable('timed out')) : call(client)))
      try {
        // Promise.race handles a late rejection of the loser.
        const result = await Promise.race([started, expired])
        if (failing) {
          failing = false
          recovered()
        }
        return result
      } catch (error) {
        if (CallportError.isInstance(error)) {
          if (error.code === 'PROVIDER_UNAVAILABLE') failing = true
          throw error
        }
        if (isErrorReply(error)) {
          const word = error.message.split(' ', 1)[0] ?? ''
          if (TRANSIENT_REPLIES.includes(word)) {
            failing = true
            throw unavailable(`it answered ${word}`, error)
          }
          throw new CallportError('INTERNAL', `${factory}: Redis refused ${operation}: ${error.message}`, { cause: error })
        }
        failing = true
        throw unavailable(error instanceof Error ? error.name : 'connection failed', error)
      } finally {
        clearTimeout(timer)
      }
    },
    onRecovered(listener) {
      recoveredListeners.push(listener)
    },
    close: () => close(),
  }
  return connection
}

/**
 * The JSON value of Redis key `key`, validated by `schema`; INTERNAL naming the key when it is something else.
 * @internal
 */
export function parseStored<T>(key: string, value: unknown, schema: z.ZodMiniType<T>, what: string): T {
  let parsed: unknown
  try {
    parsed = JSON.parse(String(value))
  } catch (cause) {
    throw new CallportError('INTERNAL', `Redis key "${key}" does not hold ${what}`, { cause })
  }
  const result = schema.safeParse(parsed)
  if (!result.success) throw new CallportError('INTERNAL', `Redis key "${key}" does not hold ${what}`, { cause: result.error })
  return result.data
}
