import { describe, expect, it, vi } from 'vitest'
import * as z from 'zod/mini'
import { CallportError, EventEmitter, type ClientConnection, type ConnectionEvents, type Room, type Token } from '@callport/core'
import { defineClientAdapter } from '../src/client/index'
import { defineServerAdapter } from '../src/server/index'

const room: Room = { name: 'standup', provider: 'acme', providerRoomId: 'r-1' }
const participant = { identity: 'ada', role: 'publisher' as const }
const token: Token = {
  provider: 'acme',
  room: 'standup',
  providerRoomId: 'r-1',
  identity: 'ada',
  value: 'v',
  expiresAt: new Date(Date.now() + 60_000).toISOString(),
  connect: { host: 'acme.test' },
}

function definition() {
  return {
    provider: 'acme',
    vendor: 'Acme',
    tokenTtlSeconds: { min: 60, max: 600 },
    ensureRoom: vi.fn(async ({ name }: { name: string }) => ({ ...room, name })),
    issueToken: vi.fn(async () => token),
    closeRoom: vi.fn(async () => {
      throw new TypeError('socket hang up')
    }),
  }
}

describe('defineServerAdapter', () => {
  it('declares v1, the provider, and capability flags from which optional methods exist; keeps extras', () => {
    const adapter = defineServerAdapter(definition(), { url: 'https://acme.test' })
    expect(adapter).toMatchObject({ specificationVersion: 'v1', provider: 'acme', url: 'https://acme.test' })
    expect(adapter.capabilities).toEqual({
      getRoom: false,
      listParticipants: false,
      removeParticipant: false,
      closeRoom: true,
      muteParticipant: false,
      webhooks: false,
      tokenTtlSeconds: { min: 60, max: 600 },
    })
    expect(adapter.getRoom).toBeUndefined()
    expect(typeof adapter.closeRoom).toBe('function')
    // Optional flag: left out (absent = false) without the method, so older adapters' capabilities stay as they were.
    expect(Object.hasOwn(adapter.capabilities, 'updateParticipant')).toBe(false)
    expect(adapter.updateParticipant).toBeUndefined()
  })

  it('declares updateParticipant with the method, and keeps the shared rules for it', async () => {
    const updateParticipant = vi.fn(async (options: { identity: string }) => {
      if (options.identity === 'gone') throw new TypeError('socket hang up')
    })
    const adapter = defineServerAdapter({ ...definition(), updateParticipant })
    expect(adapter.capabilities.updateParticipant).toBe(true)
    await adapter.updateParticipant!({ room, identity: 'bob', name: 'Bob', metadata: { hand: 'up' } })
    expect(updateParticipant).toHaveBeenCalledWith({ room, identity: 'bob', name: 'Bob', metadata: { hand: 'up' } })
    await expect(adapter.updateParticipant!({ room, identity: 'bob', name: 'B', signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED', provider: 'acme' })
    expect(updateParticipant).toHaveBeenCalledTimes(1)
    await expect(adapter.updateParticipant!({ room, identity: 'gone', name: 'B' })).rejects.toMatchObject({ code: 'INTERNAL', provider: 'acme', message: 'socket hang up' })
    for (const bad of [{ name: '' }, { name: 'x'.repeat(257) }, { metadata: 'raised' as never }, { metadata: null as never }, { metadata: ['raised'] as never }]) {
      await expect(adapter.updateParticipant!({ room, identity: 'bob', ...bad }), JSON.stringify(bad)).rejects.toMatchObject({ code: 'INVALID_INPUT', provider: 'acme' })
    }
    await adapter.updateParticipant!({ room, identity: 'bob', name: 'x'.repeat(256) })
    expect(updateParticipant).toHaveBeenCalledTimes(3)
  })

  it('refuses a lifetime outside the bounds with INVALID_INPUT before the provider runs', async () => {
    const defined = definition()
    const adapter = defineServerAdapter(defined)
    await expect(adapter.issueToken({ room, participant, ttlSeconds: 601 })).rejects.toMatchObject({ code: 'INVALID_INPUT', provider: 'acme' })
    expect(defined.issueToken).not.toHaveBeenCalled()
    await expect(adapter.issueToken({ room, participant, ttlSeconds: 600 })).resolves.toBe(token)
  })

  it('refuses a signal that already fired with ABORTED before the provider runs', async () => {
    const defined = definition()
    const adapter = defineServerAdapter(defined)
    await expect(adapter.ensureRoom({ name: 'x', signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED', provider: 'acme' })
    expect(defined.ensureRoom).not.toHaveBeenCalled()
  })

  it('wraps anything thrown into a CallportError naming the provider', async () => {
    const error = await defineServerAdapter(definition()).closeRoom!({ room }).catch((thrown: unknown) => thrown)
    expect(CallportError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ code: 'INTERNAL', provider: 'acme', message: 'socket hang up' })
  })
})

class FakeConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant = participant
  disconnected = false
  participants() {
    return []
  }
  async setMicrophoneEnabled() {}
  async setCameraEnabled() {}
  async disconnect() {
    this.disconnected = true
  }
}

describe('defineClientAdapter', () => {
  const options = { audio: true, video: true, refreshToken: async () => token }
  const define = (connect: (request: { token: Token; parameters: { host: string } }) => Promise<FakeConnection>) =>
    defineClientAdapter({
      provider: 'acme',
      vendor: 'Acme',
      capabilities: { media: 'tracks', updateToken: false, sendData: false },
      connectSchema: z.object({ host: z.string() }),
      connect,
    })

  it('hands the checked token and parsed parameters to connect', async () => {
    const connect = vi.fn(async () => new FakeConnection())
    const adapter = define(connect)
    expect(adapter).toMatchObject({ specificationVersion: 'v1', provider: 'acme' })
    await adapter.connect(token, options)
    expect(connect).toHaveBeenCalledWith({ token, parameters: { host: 'acme.test' } }, options)
  })

  it('refuses another provider’s token and a token without its parameters with INVALID_INPUT', async () => {
    const connect = vi.fn(async () => new FakeConnection())
    const adapter = define(connect)
    await expect(adapter.connect({ ...token, provider: 'other' }, options)).rejects.toMatchObject({ code: 'INVALID_INPUT', provider: 'acme' })
    await expect(adapter.connect({ ...token, connect: {} }, options)).rejects.toMatchObject({ code: 'INVALID_INPUT', provider: 'acme' })
    expect(connect).not.toHaveBeenCalled()
  })

  it('gives ABORTED for a fired signal, and disconnects a connection that arrives after the abort', async () => {
    const late = new FakeConnection()
    let arrive: (connection: FakeConnection) => void = () => undefined
    const adapter = define(() => new Promise((resolve) => (arrive = resolve)))
    await expect(adapter.connect(token, { ...options, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' })
    const controller = new AbortController()
    const joining = adapter.connect(token, { ...options, signal: controller.signal })
    controller.abort()
    await expect(joining).rejects.toMatchObject({ code: 'ABORTED', provider: 'acme' })
    arrive(late)
    await vi.waitFor(() => expect(late.disconnected).toBe(true))
  })

  it('turns a vendor failure into CONNECTION_FAILED naming the provider', async () => {
    const adapter = define(async () => {
      throw new Error('ICE failed')
    })
    await expect(adapter.connect(token, options)).rejects.toMatchObject({ code: 'CONNECTION_FAILED', provider: 'acme', message: 'ICE failed' })
  })
})
