import type { JoinResponse, Room, Token, WebhookEvent, WebhookParticipant } from '@callport/core'
import { createClient } from 'redis'
import { describe, expectTypeOf, it } from 'vitest'
import { createCallServer, type CallServer } from '../src/index'
import type { RedisRoomStoreClient } from '../src/redis-room-store'

declare const calls: CallServer

describe('types', () => {
  it('types the server events by webhook event type', () => {
    calls.on('participant-joined', (event) => {
      expectTypeOf(event.participant).toEqualTypeOf<WebhookParticipant>()
    })
    calls.on('webhook', (event) => {
      expectTypeOf(event).toEqualTypeOf<WebhookEvent>()
    })
    // @ts-expect-error not a server event
    calls.on('participantJoined', () => {})
  })

  it('types the programmatic API', () => {
    expectTypeOf(calls.join).returns.resolves.toEqualTypeOf<JoinResponse>()
    expectTypeOf(calls.ensureRoom).returns.resolves.toEqualTypeOf<Room>()
    expectTypeOf(calls.issueToken).returns.resolves.toEqualTypeOf<Token>()
    expectTypeOf(calls.getRoom).returns.resolves.toEqualTypeOf<Room | null>()
    expectTypeOf(calls.fetch).toEqualTypeOf<(request: Request) => Promise<Response>>()
  })

  it('requires authorize and providers', () => {
    // @ts-expect-error authorize is required
    createCallServer({ providers: [] })
    // @ts-expect-error providers is required
    createCallServer({ authorize: async () => null })
  })

  it('accepts a node-redis v5 client for the Redis room store', () => {
    expectTypeOf(createClient()).toExtend<RedisRoomStoreClient>()
  })
})
