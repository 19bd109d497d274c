import { CallportError, type ErrorCode } from '@callport/core'
import { assert, expect } from 'vitest'
import { openvidu, type OpenViduSettings } from '../src/server/index'
import { createFakeOpenVidu, type FakeOpenVidu } from './fake-openvidu'
import type { useMswServer } from './msw-server'

/** A fresh fake OpenVidu served by `server`, and an adapter pointed at it (fast retries). */
export function startFakeOpenVidu(server: ReturnType<typeof useMswServer>, settings: OpenViduSettings = {}) {
  const fake = createFakeOpenVidu()
  server.resetHandlers(...fake.handlers)
  const adapter = openvidu({ url: fake.url, secret: fake.secret, retry: { initialDelay: 1, maximumDelay: 5 }, ...settings })
  return { fake, adapter }
}

/** Awaits `operation`, which must reject with a CallportError of `code`, and returns that error. */
export async function rejection(operation: Promise<unknown>, code: ErrorCode): Promise<CallportError> {
  const error = await operation.then(
    () => assert.fail(`expected ${code}, but it resolved`),
    (failure: unknown) => failure,
  )
  if (!CallportError.isInstance(error)) assert.fail(`expected a CallportError ${code}, got ${String(error)}`)
  expect(error.code, error.message).toBe(code)
  return error
}

export type { FakeOpenVidu }
