/**
 * `@callport/server/redis`: stores that app-server processes behind a load balancer share through
 * Redis (they need the `redis` package, node-redis v5): where each live room is
 * (`createRedisRoomStore`, for the `roomStore` option), the invites (`createRedisInviteStore`, for
 * `invites.store`) and the rate limit counters (`createRedisRateLimitStore`, for `rateLimits.store`).
 *
 * @packageDocumentation
 */
export type { RedisConnectionOptions } from './redis-connection'
export { createRedisRoomStore, type RedisRoomStoreClient, type RedisRoomStoreOptions, type RedisSetOptions } from './redis-room-store'
export { createRedisInviteStore, type RedisInviteStoreClient, type RedisInviteStoreOptions } from './redis-invite-store'
export { createRedisRateLimitStore, type RedisRateLimitStoreClient, type RedisRateLimitStoreOptions } from './redis-rate-limit-store'
