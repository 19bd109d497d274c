/**
 * `@callport/server/redis`: stores that app-server processes behind a load balancer share through
 * Redis (they need the `redis` package, node-redis v5): where each live room is
 * (`createRedisRoomStore`, for the `roomStore` option) and the invites (`createRedisInviteStore`, for
 * `invites.store`).
 *
 * @packageDocumentation
 */
export type { RedisConnectionOptions } from './redis-connection'
export { createRedisRoomStore, type RedisRoomStoreClient, type RedisRoomStoreOptions, type RedisSetOptions } from './redis-room-store'
export { createRedisInviteStore, type RedisInviteStoreClient, type RedisInviteStoreOptions } from './redis-invite-store'
