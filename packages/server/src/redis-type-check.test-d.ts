import { createClient } from 'redis'
import { expectTypeOf, it } from 'vitest'
import type { RedisRoomStoreClient } from './redis-room-store'

it('accepts a node-redis v5 client', () => {
  expectTypeOf(createClient()).toExtend<RedisRoomStoreClient>()
})
