import { createLocalTrack, setAudioOutput, type ClientCapabilities, type LocalTrack, type Token } from '@callport/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSession } from '../src/index'
import { deviceInfo, FakeMediaElement, FakeTrack, installFakeMedia, type FakeMediaDevices } from './fake-media'
import { deferred, makeToken, recordEvents, rejectionOf, stubAdapter } from './helpers'

function setup(capabilities: Partial<ClientCapabilities> = {}, fetchToken = vi.fn(async ({ room }: { room: string }): Promise<Token> => makeToken({ room }))) {
  const adapter = stubAdapter('stub', capabilities)
  const session = createSession({ adapters: [adapter], token: fetchToken })
  return { adapter, fetchToken, session }
}

function previewTracks(): LocalTrack[] {
  return [
    createLocalTrack(new FakeTrack('audio', 'microphone-1') as unknown as MediaStreamTrack, { source: 'microphone', deviceId: 'microphone-1' }),
    createLocalTrack(new FakeTrack('video', 'camera-1') as unknown as MediaStreamTrack, { source: 'camera', deviceId: 'camera-1' }),
  ]
}

let devices: FakeMediaDevices
beforeEach(() => {
  devices = installFakeMedia()
})
afterEach(async () => {
  // The page's speaker choice is shared by every session of the page: back to the default.
  installFakeMedia()
  await setAudioOutput('default')
  vi.unstubAllGlobals()
})

describe('join with tracks', () => {
  it('hands the preview tracks to an adapter with capabilities.localTracks, again on reconnection, and lists what it publishes', async () => {
    const { adapter, session } = setup({ localTracks: true })
    const tracks = previewTracks()
    await session.join('standup', { tracks })
    expect(adapter.last().options.tracks).toBe(tracks)
    expect(session.localTracks()).toEqual(tracks)
    adapter.last().emit('disconnected', { reason: 'connection-lost' })
    await vi.waitFor(() => expect(adapter.connections).toHaveLength(2))
    expect(adapter.last().options.tracks).toBe(tracks)
  })

  it('does not hand tracks to an adapter without capabilities.localTracks; localTracks() is then empty', async () => {
    const { adapter, session } = setup()
    await session.join('standup', { tracks: previewTracks() })
    expect(adapter.last().options).not.toHaveProperty('tracks')
    expect(session.localTracks()).toEqual([])
  })

  it('refuses unknown join options by name', async () => {
    const { session } = setup()
    const error = await rejectionOf(session.join('standup', { track: [] } as never))
    expect(error).toMatchObject({ code: 'INVALID_INPUT' })
    expect(error.message).toMatch(/join: unknown option "track".*tracks/)
  })
})

describe('prepare', () => {
  it('fetches the token while every adapter loads its SDK, then warms up the chosen one; join uses that token', async () => {
    const other = stubAdapter('other', { prepare: true })
    const chosen = stubAdapter('stub', { prepare: true })
    const unprepared = stubAdapter('plain')
    const token = deferred<Token>()
    const fetchToken = vi.fn(() => token.promise)
    const session = createSession({ adapters: [other, chosen, unprepared], token: fetchToken })
    const preparing = session.prepare('standup')
    // The SDKs load while the token is still on its way.
    expect(other.prepare).toHaveBeenCalledWith(undefined, expect.objectContaining({ signal: expect.any(AbortSignal) }))
    expect(chosen.prepare).toHaveBeenCalledWith(undefined, expect.anything())
    const issued = makeToken({ room: 'standup' })
    token.resolve(issued)
    await preparing
    expect(chosen.prepare).toHaveBeenLastCalledWith(issued, expect.anything())
    expect(other.prepare).toHaveBeenCalledTimes(1)
    await session.join('standup')
    expect(fetchToken).toHaveBeenCalledOnce()
    expect(chosen.connectTokens).toEqual([issued])
    expect(session.token).toEqual(issued)
  })

  it('join fetches a new token for another room, or when the prepared one is due for refresh', async () => {
    const fetched: Token[] = []
    const lifetimes = [20, 3600, 3600]
    const fetchToken = vi.fn(async ({ room }: { room: string }) => {
      fetched.push(makeToken({ room, lifetimeSeconds: lifetimes.shift() ?? 3600 }))
      return fetched.at(-1)!
    })
    const { adapter, session } = setup({}, fetchToken)
    await session.prepare('standup')
    await session.join('standup')
    // 20 s of life is inside the 30 s minimum refresh lead: join fetched its own.
    expect(adapter.connectTokens[0]).toEqual(fetched[1])
    await session.leave()
    await session.prepare('retro')
    const retro = fetched.at(-1)
    await session.join('standup')
    expect(adapter.connectTokens[1]?.room).toBe('standup')
    expect(adapter.connectTokens[1]).not.toEqual(retro)
  })

  it('a join while prepare still fetches waits for that token instead of fetching another', async () => {
    const token = deferred<Token>()
    const { adapter, fetchToken, session } = setup(
      {},
      vi.fn(() => token.promise),
    )
    const preparing = session.prepare('standup')
    const joining = session.join('standup')
    const issued = makeToken({ room: 'standup' })
    token.resolve(issued)
    await Promise.all([preparing, joining])
    expect(fetchToken).toHaveBeenCalledOnce()
    expect(adapter.connectTokens).toEqual([issued])
  })

  it('a join after a failed prepare fetches its own token', async () => {
    const fetchToken = vi.fn(async ({ room }: { room: string }): Promise<Token> => makeToken({ room }))
    fetchToken.mockRejectedValueOnce(new Error('offline'))
    const { adapter, session } = setup({}, fetchToken)
    expect((await rejectionOf(session.prepare('standup'))).code).toBe('CONNECTION_FAILED')
    await session.join('standup')
    expect(fetchToken).toHaveBeenCalledTimes(2)
    expect(adapter.connectTokens).toHaveLength(1)
  })

  it("an adapter's failure to prepare is only a lost head start; a token failure rejects", async () => {
    const adapter = stubAdapter('stub', { prepare: true })
    adapter.prepare?.mockRejectedValue(new Error('SDK failed to load'))
    const session = createSession({ adapters: [adapter], token: async ({ room }) => makeToken({ room }) })
    await expect(session.prepare('standup')).resolves.toBeUndefined()
    const failing = createSession({ adapters: [adapter], token: () => Promise.reject(new Error('offline')) })
    expect((await rejectionOf(failing.prepare('standup'))).code).toBe('CONNECTION_FAILED')
  })

  it('gives ABORTED when the signal fires, and validates the room name and options', async () => {
    const { fetchToken, session } = setup(
      {},
      vi.fn(() => new Promise<Token>(() => {})),
    )
    const controller = new AbortController()
    const preparing = session.prepare('standup', { signal: controller.signal })
    controller.abort()
    expect((await rejectionOf(preparing)).code).toBe('ABORTED')
    // The token source ignored the signal and never answers: join does not wait for it.
    const joining = session.join('standup')
    await vi.waitFor(() => expect(fetchToken).toHaveBeenCalledTimes(2))
    await session.leave()
    expect((await rejectionOf(joining)).code).toBe('ABORTED')
    expect((await rejectionOf(session.prepare('no/slashes'))).code).toBe('INVALID_INPUT')
    expect((await rejectionOf(session.prepare('standup', { sginal: controller.signal } as never))).message).toMatch(/prepare: unknown option "sginal"/)
  })
})

describe('switchDevice', () => {
  it('passes a camera or microphone the adapter lists to the connection', async () => {
    const { adapter, session } = setup({ switchDevice: ['camera', 'microphone'] })
    await session.join('standup')
    await session.switchDevice('camera', 'camera-2')
    expect(adapter.last().switchDevice).toHaveBeenCalledWith('camera', 'camera-2')
  })

  it('is UNSUPPORTED when capabilities.switchDevice lacks the kind; CONNECTION_FAILED before joining', async () => {
    const { adapter, session } = setup({ switchDevice: ['microphone'] })
    expect((await rejectionOf(session.switchDevice('camera', 'camera-2'))).code).toBe('CONNECTION_FAILED')
    await session.join('standup')
    expect(await rejectionOf(session.switchDevice('camera', 'camera-2'))).toMatchObject({ code: 'UNSUPPORTED', provider: 'stub' })
    expect(adapter.last().switchDevice).not.toHaveBeenCalled()
  })

  it("keeps the connection's typed error (DEVICE_NOT_FOUND)", async () => {
    const { adapter, session } = setup({ switchDevice: ['camera'] })
    await session.join('standup')
    const { CallportError } = await import('@callport/core')
    adapter.last().switchDevice?.mockRejectedValueOnce(new CallportError('DEVICE_NOT_FOUND', 'gone', { provider: 'stub' }))
    expect((await rejectionOf(session.switchDevice('camera', 'gone'))).code).toBe('DEVICE_NOT_FOUND')
  })

  it('sets the speaker itself for a tracks adapter, on the elements remote tracks play in, and says so', async () => {
    const { adapter, session } = setup()
    await session.join('standup')
    const events = recordEvents(session, ['active-device-changed'])
    const remote = createLocalTrack(new FakeTrack('audio', '') as unknown as MediaStreamTrack, { source: 'microphone' })
    const element = new FakeMediaElement()
    vi.stubGlobal('MediaStream', class {})
    remote.attach(element as unknown as HTMLMediaElement)
    await session.switchDevice('speaker', 'speaker-2')
    expect(element.sinkId).toBe('speaker-2')
    expect(events).toEqual([['active-device-changed', { kind: 'speaker', deviceId: 'speaker-2', reason: 'switched' }]])
    expect(adapter.last().switchDevice).toBeUndefined()
    remote.detach()
  })

  it('gives DEVICE_NOT_FOUND for a speaker the browser does not know, UNSUPPORTED without setSinkId', async () => {
    const { session } = setup()
    const probe = new FakeMediaElement()
    probe.refuse = new DOMException('Requested device not found', 'NotFoundError')
    vi.stubGlobal('document', { createElement: () => probe })
    expect((await rejectionOf(session.switchDevice('speaker', 'gone'))).code).toBe('DEVICE_NOT_FOUND')
    vi.stubGlobal('HTMLMediaElement', class {})
    expect((await rejectionOf(session.switchDevice('speaker', 'speaker-2'))).code).toBe('UNSUPPORTED')
  })

  it('hands the speaker to a view adapter that lists it, and refuses it for one that does not', async () => {
    const { adapter, session } = setup({ media: 'view', switchDevice: ['speaker'] })
    await session.join('standup')
    await session.switchDevice('speaker', 'speaker-2')
    expect(adapter.last().switchDevice).toHaveBeenCalledWith('speaker', 'speaker-2')
    const plain = setup({ media: 'view' })
    await plain.session.join('standup')
    expect((await rejectionOf(plain.session.switchDevice('speaker', 'speaker-2'))).code).toBe('UNSUPPORTED')
  })
})

describe('setScreenShareEnabled', () => {
  it('passes the choice to the connection', async () => {
    const { adapter, session } = setup({ screenShare: true, screenShareAudio: true })
    await session.join('standup')
    await session.setScreenShareEnabled(true, { audio: true })
    await session.setScreenShareEnabled(false)
    expect(adapter.last().setScreenShareEnabled?.mock.calls).toEqual([
      [true, { audio: true }],
      [false, {}],
    ])
  })

  it('is UNSUPPORTED without capabilities.screenShare, or with audio without screenShareAudio', async () => {
    const none = setup()
    await none.session.join('standup')
    expect((await rejectionOf(none.session.setScreenShareEnabled(true))).code).toBe('UNSUPPORTED')
    const silent = setup({ screenShare: true })
    await silent.session.join('standup')
    expect((await rejectionOf(silent.session.setScreenShareEnabled(true, { audio: true }))).code).toBe('UNSUPPORTED')
    await silent.session.setScreenShareEnabled(true)
    expect(silent.adapter.last().setScreenShareEnabled).toHaveBeenCalledWith(true, {})
    expect((await rejectionOf(silent.session.setScreenShareEnabled(true, { sound: true } as never))).message).toMatch(/unknown option "sound"/)
  })
})

describe('vendorObject', () => {
  it("is the live connection's vendor object for the adapter in use, else undefined", async () => {
    const { adapter, session } = setup()
    const other = stubAdapter('other')
    expect(session.vendorObject(adapter)).toBeUndefined()
    await session.join('standup')
    expect(session.vendorObject(adapter)).toEqual({ room: 'provider-standup' })
    expect(session.vendorObject(other)).toBeUndefined()
    await session.leave()
    expect(session.vendorObject(adapter)).toBeUndefined()
  })
})

describe('devices-changed', () => {
  it('is emitted while joined with every device listed, and not after leaving', async () => {
    const { session } = setup()
    const events = recordEvents(session, ['devices-changed'])
    devices.plug(deviceInfo('videoinput', 'camera-0'))
    await session.join('standup')
    devices.plug(deviceInfo('videoinput', 'camera-2'))
    await vi.waitFor(() => expect(events).toHaveLength(1))
    expect(events[0]![1]).toMatchObject({ devices: expect.arrayContaining([expect.objectContaining({ kind: 'camera', deviceId: 'camera-2' })]) })
    const enumerations = devices.enumerateDevices.mock.calls.length
    await session.leave()
    devices.unplug('camera-2')
    // dispatchEvent runs listeners synchronously: none is left to list the devices.
    expect(devices.enumerateDevices.mock.calls.length).toBe(enumerations)
    expect(events).toHaveLength(1)
  })

  it('falls back to the default speaker when the chosen one is unplugged, with active-device-changed', async () => {
    const { session } = setup()
    await session.join('standup')
    devices.plug(deviceInfo('audiooutput', 'headset'))
    await session.switchDevice('speaker', 'headset')
    const events = recordEvents(session, ['active-device-changed'])
    devices.unplug('headset')
    await vi.waitFor(() => expect(events).toEqual([['active-device-changed', { kind: 'speaker', deviceId: 'default', reason: 'unplugged' }]]))
  })
})
