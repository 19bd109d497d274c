import type { DisconnectReason } from '@callport/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHub, joinMemoryRoom, memory, type MemoryConnection, type MemoryHub } from './index'

let hub: MemoryHub
beforeEach(() => {
  hub = createMemoryHub()
})
afterEach(() => hub.reset())

const reasons = (connection: MemoryConnection): DisconnectReason[] => {
  const seen: DisconnectReason[] = []
  connection.on('disconnected', ({ reason }) => seen.push(reason))
  return seen
}

describe('memory hub simulation controls', () => {
  it('members() lists who is connected, in join order; nothing for a room that is not live', async () => {
    const alice = await joinMemoryRoom({ hub, room: 'standup', participant: 'alice' })
    const bob = await joinMemoryRoom({ hub, room: 'standup', participant: { identity: 'bob', role: 'subscriber', name: 'Bob' } })
    expect(hub.members('standup')).toEqual([alice.localParticipant, bob.localParticipant])
    expect(hub.members('standup')[1]).toMatchObject({ identity: 'bob', role: 'subscriber', name: 'Bob' })
    expect(hub.members('nowhere')).toEqual([])
  })

  it('rooms() lists the live rooms', async () => {
    const provider = memory({ hub })
    const standup = await provider.ensureRoom({ name: 'standup' })
    const retro = await provider.ensureRoom({ name: 'retro' })
    expect(hub.rooms()).toEqual([standup, retro])
    await provider.closeRoom({ room: standup })
    expect(hub.rooms()).toEqual([retro])
  })

  it('dropConnection ends the connection with "connection-lost" by default; the others see it leave', async () => {
    const alice = await joinMemoryRoom({ hub, room: 'standup', participant: 'alice' })
    const bob = await joinMemoryRoom({ hub, room: 'standup', participant: 'bob' })
    const left = vi.fn()
    alice.on('participant-left', left)
    const bobReasons = reasons(bob)
    expect(hub.dropConnection('bob')).toBe(1)
    expect(bobReasons).toEqual(['connection-lost'])
    expect(left).toHaveBeenCalledWith(expect.objectContaining({ participant: bob.localParticipant }))
    expect(bob.connected).toBe(false)
    expect(hub.dropConnection('bob')).toBe(0)
  })

  it('dropConnection takes a reason, and can be narrowed to one room', async () => {
    const inStandup = await joinMemoryRoom({ hub, room: 'standup', participant: 'alice' })
    const inRetro = await joinMemoryRoom({ hub, room: 'retro', participant: 'alice' })
    const standupReasons = reasons(inStandup)
    const retroReasons = reasons(inRetro)
    expect(hub.dropConnection('alice', 'server-shutdown', { room: 'retro' })).toBe(1)
    expect(retroReasons).toEqual(['server-shutdown'])
    expect(standupReasons).toEqual([])
  })

  it('expireToken ends the connection with "token-expired"', async () => {
    const alice = await joinMemoryRoom({ hub, room: 'standup', participant: 'alice' })
    const seen = reasons(alice)
    expect(hub.expireToken('alice')).toBe(1)
    expect(seen).toEqual(['token-expired'])
  })

  it('reset closes every room (connections end with "room-closed") and cancels the expiry timers', async () => {
    vi.useFakeTimers()
    try {
      const alice = await joinMemoryRoom({ hub, room: 'standup', participant: 'alice', ttlSeconds: 5 })
      const seen = reasons(alice)
      hub.reset()
      expect(seen).toEqual(['room-closed'])
      expect(hub.rooms()).toEqual([])
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('an ended connection lists nobody; its media toggles and disconnect are harmless', async () => {
    const alice = await joinMemoryRoom({ hub, room: 'standup', participant: 'alice' })
    hub.dropConnection('alice')
    expect(alice.participants()).toEqual([])
    await expect(alice.setCameraEnabled(true)).resolves.toBeUndefined()
    await expect(alice.disconnect()).resolves.toBeUndefined()
  })

  it('uses the secret it was given', () => {
    expect(createMemoryHub({ secret: 'shh' }).secret).toBe('shh')
    expect(createMemoryHub().secret).not.toBe(createMemoryHub().secret)
  })
})
