import { connectionEventNames, type ConnectionEvents, type VendorObjectOf } from '@callport/core'
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest'
import { createMemoryHub, createMemoryLocalTracks, joinMemoryRoom, memory, type MemoryConnection, type MemoryHub, type MemoryLocalTrack, type MemoryProvider } from './index'

let hub: MemoryHub
beforeEach(() => {
  hub = createMemoryHub()
})
afterEach(() => hub.reset())

const join = (identity: string, extra: { audio?: boolean; video?: boolean } = {}) => joinMemoryRoom({ hub, room: 'standup', participant: identity, ...extra })

/** Records every event a connection emits, in order, as [name, first argument]. */
function record(connection: MemoryConnection): Array<[keyof ConnectionEvents, any]> {
  const seen: Array<[keyof ConnectionEvents, any]> = []
  for (const name of connectionEventNames) connection.on(name, (...args: unknown[]) => seen.push([name, args[0]]))
  return seen
}
const names = (seen: Array<[keyof ConnectionEvents, unknown]>) => seen.map(([name]) => name)

describe('memory provider: local tracks', () => {
  it('publishes the tracks handed to connect for the kinds asked for, and never stops them', async () => {
    const provider = memory({ hub })
    const token = await provider.issueToken({ room: await provider.ensureRoom({ name: 'standup' }), participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 60 })
    const [microphone, camera] = createMemoryLocalTracks({ audio: true, video: true, deviceIds: { camera: 'memory-camera-2' } })
    const alice = await provider.connect(token, { audio: false, video: true, tracks: [microphone!, camera!], refreshToken: async () => token })
    expect(alice.localTracks()).toEqual([camera])
    await alice.setCameraEnabled(false)
    await alice.setMicrophoneEnabled(true)
    expect(alice.localTracks().map((track) => [track.source, track.deviceId])).toEqual([['microphone', 'default']])
    const captured = alice.localTracks()[0]!
    await alice.disconnect()
    expect(camera!.live && microphone!.live, 'the page owns the handed tracks').toBe(true)
    expect(captured.mediaStreamTrack.readyState, 'the tracks it captured itself are stopped').toBe('ended')
  })

  it('emits local-track-published / unpublished; the others subscribe to the published source', async () => {
    const alice = await join('alice')
    const bob = await join('bob')
    const seen = record(alice)
    const bobSeen = record(bob)
    await alice.setCameraEnabled(true)
    const published = seen[0]![1]
    expect(seen).toEqual([['local-track-published', expect.objectContaining({ track: expect.objectContaining({ kind: 'video', source: 'camera', deviceId: 'default' }) })]])
    expect(published.track.mediaStreamTrack).toMatchObject({ kind: 'video', readyState: 'live' })
    expect(names(bobSeen)).toEqual(['track-subscribed'])
    await alice.setCameraEnabled(false)
    expect(seen[1]).toEqual(['local-track-unpublished', expect.objectContaining({ track: published.track })])
    expect(published.track.mediaStreamTrack.readyState).toBe('ended')
    expect(names(bobSeen)).toEqual(['track-subscribed', 'track-unsubscribed'])
  })
})

describe('memory provider: devices', () => {
  it('switchDevice replaces the published track and emits active-device-changed; the others keep their subscription', async () => {
    const alice = await join('alice', { video: true })
    const bob = await join('bob')
    await new Promise((resolve) => setTimeout(resolve, 0))
    const bobSeen = record(bob)
    const seen = record(alice)
    const before = alice.localTracks()[0]!
    await alice.switchDevice('camera', 'memory-camera-2')
    expect(names(seen)).toEqual(['local-track-unpublished', 'local-track-published', 'active-device-changed'])
    expect(seen[2]![1]).toMatchObject({ kind: 'camera', deviceId: 'memory-camera-2', reason: 'switched' })
    expect(alice.localTracks().map((track) => track.deviceId)).toEqual(['memory-camera-2'])
    expect(before.mediaStreamTrack.readyState).toBe('ended')
    expect(bobSeen).toEqual([])
  })

  it('refuses an unknown device (DEVICE_NOT_FOUND) and the speaker (UNSUPPORTED)', async () => {
    const alice = await join('alice')
    await expect(alice.switchDevice('camera', 'nope')).rejects.toMatchObject({ code: 'DEVICE_NOT_FOUND' })
    await expect(alice.switchDevice('speaker', 'memory-speaker-2')).rejects.toMatchObject({ code: 'UNSUPPORTED' })
  })

  it('an unplugged device falls back to the default; a device plugged in can be switched to; the default stays', async () => {
    const alice = await join('alice', { audio: true })
    const seen = record(alice)
    hub.plugDevice({ deviceId: 'usb-mic', kind: 'microphone', label: 'USB microphone', groupId: 'usb' })
    expect(
      hub
        .devices()
        .filter((device) => device.kind === 'microphone')
        .map((device) => device.deviceId),
    ).toEqual(['default', 'memory-microphone-2', 'usb-mic'])
    await alice.switchDevice('microphone', 'usb-mic')
    expect(hub.unplugDevice('camera', 'memory-camera-2'), 'nobody used it').toBe(0)
    expect(hub.unplugDevice('microphone', 'usb-mic')).toBe(1)
    expect(seen.filter(([name]) => name === 'active-device-changed').map(([, event]) => [event.deviceId, event.reason])).toEqual([
      ['usb-mic', 'switched'],
      ['default', 'unplugged'],
    ])
    expect(alice.localTracks().map((track) => track.deviceId)).toEqual(['default'])
    await expect(alice.switchDevice('microphone', 'usb-mic')).rejects.toMatchObject({ code: 'DEVICE_NOT_FOUND' })
    expect(() => hub.unplugDevice('microphone', 'default')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
    hub.reset()
    expect(
      hub
        .devices()
        .filter((device) => device.kind === 'microphone')
        .map((device) => device.deviceId),
      'reset restores the devices',
    ).toEqual(['default', 'memory-microphone-2'])
  })
})

describe('memory provider: screen share, speakers, quality, updates', () => {
  it('a screen share with audio publishes screen and screen-audio; the others subscribe to both', async () => {
    const alice = await join('alice')
    const bob = await join('bob')
    const bobSeen = record(bob)
    await alice.setScreenShareEnabled(true, { audio: true })
    expect(alice.localTracks().map((track) => [track.source, track.kind, track.deviceId])).toEqual([
      ['screen', 'video', undefined],
      ['screen-audio', 'audio', undefined],
    ])
    expect(bobSeen.map(([name, event]) => [name, event.track.source])).toEqual([
      ['track-subscribed', 'screen'],
      ['track-subscribed', 'screen-audio'],
    ])
    await alice.setScreenShareEnabled(false)
    expect(alice.localTracks()).toEqual([])
    expect(names(bobSeen).slice(2)).toEqual(['track-unsubscribed', 'track-unsubscribed'])
  })

  it("the browser's own Stop sharing (the screen track ended) stops the share", async () => {
    const alice = await join('alice')
    const bob = await join('bob')
    const bobSeen = record(bob)
    await alice.setScreenShareEnabled(true, { audio: true })
    const seen = record(alice)
    const screen = alice.localTracks().find((track) => track.source === 'screen') as MemoryLocalTrack
    screen.endFromBrowser()
    expect(seen.map(([name, event]) => [name, event.track.source])).toEqual([
      ['local-track-unpublished', 'screen-audio'],
      ['local-track-unpublished', 'screen'],
    ])
    expect(alice.localTracks()).toEqual([])
    expect(names(bobSeen)).toEqual(['track-subscribed', 'track-subscribed', 'track-unsubscribed', 'track-unsubscribed'])
  })

  it('active-speakers-changed: everyone, loudest first, only when the order changes, and when a speaker leaves', async () => {
    const alice = await join('alice')
    const bob = await join('bob')
    const carol = await join('carol')
    const seen = record(carol)
    const order = () => seen.filter(([name]) => name === 'active-speakers-changed').map(([, event]) => event.speakers.map((s: any) => `${s.participant.identity}:${s.level}`))
    await alice.setSpeaking(0.3)
    await bob.setSpeaking(0.6)
    await bob.setSpeaking(0.5)
    await carol.setSpeaking(0.9)
    await bob.disconnect()
    await alice.setSpeaking(0)
    expect(order()).toEqual([['alice:0.3'], ['bob:0.6', 'alice:0.3'], ['carol:0.9', 'bob:0.5', 'alice:0.3'], ['carol:0.9', 'alice:0.3'], ['carol:0.9']])
  })

  it('connection-quality-changed: local for the participant itself, remote for the others, only on change', async () => {
    const alice = await join('alice')
    const bob = await join('bob')
    const aliceSeen = record(alice)
    const bobSeen = record(bob)
    await alice.setConnectionQuality('poor')
    await alice.setConnectionQuality('poor')
    expect(hub.setConnectionQuality('bob', 'good')).toBe(1)
    const qualities = (seen: typeof aliceSeen) => seen.map(([, event]) => [event.participant.identity, event.local, event.quality])
    expect(qualities(aliceSeen)).toEqual([
      ['alice', true, 'poor'],
      ['bob', false, 'good'],
    ])
    expect(qualities(bobSeen)).toEqual([
      ['alice', false, 'poor'],
      ['bob', true, 'good'],
    ])
  })

  it('participant-updated carries the new name and metadata to the others; members and localParticipant follow', async () => {
    const alice = await join('alice')
    const bob = await join('bob')
    const bobSeen = record(bob)
    await alice.updateParticipant({ name: 'Alice A.', metadata: { hand: 'raised' } })
    expect(bobSeen).toEqual([
      ['participant-updated', expect.objectContaining({ participant: expect.objectContaining({ identity: 'alice', name: 'Alice A.', metadata: { hand: 'raised' } }) })],
    ])
    expect(alice.localParticipant).toMatchObject({ name: 'Alice A.', role: 'publisher' })
    expect(bob.participants()[0]).toEqual(alice.localParticipant)
    expect(hub.members('standup')[0]).toEqual(alice.localParticipant)
  })
})

describe('memory provider: moderation, prepare, vendor', () => {
  it('muteParticipant unpublishes the track, emits muted-by-moderator, and the participant can turn it on again', async () => {
    const provider = memory({ hub })
    const alice = await join('alice', { audio: true })
    const bob = await join('bob')
    await new Promise((resolve) => setTimeout(resolve, 0))
    const seen = record(alice)
    const bobSeen = record(bob)
    const room = (await provider.getRoom({ name: 'standup' }))!
    await provider.muteParticipant({ room, identity: 'alice', kind: 'audio' })
    expect(names(seen)).toEqual(['local-track-unpublished', 'muted-by-moderator'])
    expect(seen[1]![1]).toMatchObject({ kind: 'audio' })
    expect(names(bobSeen)).toEqual(['track-unsubscribed'])
    await provider.muteParticipant({ room, identity: 'alice', kind: 'audio' })
    expect(names(seen).slice(2), 'muting again tells it again, and changes nothing else').toEqual(['muted-by-moderator'])
    await alice.setMicrophoneEnabled(true)
    expect(alice.localTracks().map((track) => track.source)).toEqual(['microphone'])
    await expect(provider.muteParticipant({ room, identity: 'carol', kind: 'video' })).rejects.toMatchObject({ code: 'PARTICIPANT_NOT_FOUND' })
  })

  it('updateParticipant (the server half) changes name and/or metadata: the others see participant-updated, the participant and listParticipants follow', async () => {
    const provider = memory({ hub })
    const alice = await join('alice')
    const bob = await join('bob')
    const aliceSeen = record(alice)
    const bobSeen = record(bob)
    const room = (await provider.getRoom({ name: 'standup' }))!
    await provider.updateParticipant({ room, identity: 'alice', name: 'Alice A.', metadata: { hand: 'raised' } })
    await provider.updateParticipant({ room, identity: 'alice', metadata: { hand: 'down' } })
    expect(bobSeen).toEqual([
      ['participant-updated', expect.objectContaining({ participant: expect.objectContaining({ identity: 'alice', name: 'Alice A.', metadata: { hand: 'raised' } }) })],
      ['participant-updated', expect.objectContaining({ participant: expect.objectContaining({ identity: 'alice', name: 'Alice A.', metadata: { hand: 'down' } }) })],
    ])
    expect(aliceSeen, 'the participant itself is not sent participant-updated').toEqual([])
    expect(alice.localParticipant).toMatchObject({ identity: 'alice', name: 'Alice A.', metadata: { hand: 'down' } })
    expect((await provider.listParticipants({ room })).find((listed) => listed.identity === 'alice')).toEqual(alice.localParticipant)
    await expect(provider.updateParticipant({ room, identity: 'carol', name: 'Carol' })).rejects.toMatchObject({ code: 'PARTICIPANT_NOT_FOUND' })
    await expect(provider.updateParticipant({ room, identity: 'alice', name: 'x'.repeat(257) })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(provider.updateParticipant({ room, identity: 'alice', name: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(provider.updateParticipant({ room, identity: 'alice', metadata: 'raised' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(bobSeen).toHaveLength(2)
  })

  it('declares muteParticipant, updateParticipant and every client capability', () => {
    expect(memory({ hub }).capabilities).toMatchObject({
      muteParticipant: true,
      updateParticipant: true,
      localTracks: true,
      switchDevice: ['camera', 'microphone'],
      screenShare: true,
      screenShareAudio: true,
      activeSpeakers: true,
      connectionQuality: true,
      participantUpdates: true,
      remoteMute: true,
      prepare: true,
    })
  })

  it('prepare checks a token without joining; a forged one is UNAUTHORIZED', async () => {
    const provider = memory({ hub })
    const room = await provider.ensureRoom({ name: 'standup' })
    await expect(provider.prepare(undefined)).resolves.toBeUndefined()
    await expect(provider.prepare(await provider.issueToken({ room, participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 60 }))).resolves.toBeUndefined()
    expect(hub.members('standup')).toEqual([])
    const forger = memory({ hub: createMemoryHub() })
    const forged = await forger.issueToken({ room: await forger.ensureRoom({ name: 'standup' }), participant: { identity: 'alice', role: 'publisher' }, ttlSeconds: 60 })
    await expect(provider.prepare(forged)).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
  })

  it('vendor is the connection itself, typed through VendorObjectOf', async () => {
    const alice = await join('alice')
    expect(alice.vendor).toBe(alice)
    expectTypeOf<VendorObjectOf<MemoryProvider>>().toEqualTypeOf<MemoryConnection>()
  })

  it('an ended connection stops what it captured and ignores the simulation controls', async () => {
    const alice = await join('alice', { video: true })
    const camera = alice.localTracks()[0]!
    const seen = record(alice)
    hub.dropConnection('alice')
    expect(camera.mediaStreamTrack.readyState).toBe('ended')
    expect(alice.localTracks()).toEqual([])
    await alice.setSpeaking(1)
    await alice.setConnectionQuality('lost')
    await alice.updateParticipant({ name: 'x' })
    await alice.setScreenShareEnabled(true)
    expect(names(seen)).toEqual(['disconnected'])
    await expect(alice.switchDevice('camera', 'default')).rejects.toMatchObject({ code: 'CONNECTION_FAILED' })
  })
})
