import { createLocalTrack, type ConnectOptions, type LocalTrack } from '@callport/core'
import { FakeMediaStreamTrack } from '@callport/test-environment'
import { vi } from 'vitest'
import { livekit, type LiveKitClientOptions } from '../src/client/index'
import { createClientHarness, type ClientHarness } from './client-harness'
import type { FakeLiveKit } from './fake-livekit'

/** What the client tests of the adapter (livekit-client-adapter, call-surface) share: join options, alice's join, a page's preview track. */

/** vi.waitFor with room for a busy machine (the default second is short when other test runs share the CPU). */
export const waitFor = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 5000 })

/** `join` options: no media unless asked for; a refresh the tests never need. */
export const joinOptions = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({
  audio: false,
  video: false,
  refreshToken: () => Promise.reject(new Error('unused')),
  ...extra,
})

/** alice in `standup` through the adapter under test, over `harness` (a fresh one on `cloud` by default). */
export async function connectAlice(
  cloud: FakeLiveKit,
  extra: Partial<ConnectOptions> = {},
  adapterOptions: Omit<LiveKitClientOptions, 'sdk'> = {},
  harness: ClientHarness = createClientHarness(cloud),
) {
  const adapter = livekit({ sdk: harness.sdk, ...adapterOptions })
  const connection = await adapter.connect(await harness.issue('standup', 'alice'), joinOptions(extra))
  return { harness, adapter, connection, room: harness.roomOf('standup', 'alice')! }
}

/** A page's preview track over a fake browser track, as `createLocalTracks` of @callport/client makes it. */
export function preview(kind: 'audio' | 'video', deviceId: string): LocalTrack {
  const track = new FakeMediaStreamTrack(kind, `${kind} ${deviceId}`, deviceId) as unknown as MediaStreamTrack
  return createLocalTrack(track, { source: kind === 'video' ? 'camera' : 'microphone', deviceId })
}
