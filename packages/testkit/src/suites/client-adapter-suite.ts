import {
  ParticipantSchema,
  type ClientAdapter,
  type ClientConnection,
  type ConnectionQuality,
  type ConnectOptions,
  type DeviceKind,
  type LocalTrack,
  type Metadata,
  type Token,
  type TrackKind,
} from '@callport/core'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryLocalTracks } from '../memory/memory-local-track'
import { waitForEvent } from '../wait-for-event'
import { expectCallportError, uniqueRoomName, useSuiteContext, type SuiteLifecycle } from './suite-context'

/** Who the client suite asks for: a room name and an identity. */
export interface ClientTokenRequest {
  room: string
  identity: string
}

/** A second participant the harness put into the room, as the connection under test should see it. */
export interface RemoteParticipant {
  /** Leaves the room: the connection under test sees `participant-left`. */
  leave(): Promise<void>
  /** Publishes or stops a camera: the connection under test sees `track-subscribed` / `track-unsubscribed`. */
  setCameraEnabled?(enabled: boolean): Promise<void>
  /**
   * Mutes or unmutes the camera this participant published, keeping it published (the vendor's own
   * mute: a disabled track, an inactive video stream): an adapter with
   * `capabilities.trackMuteEvents` emits `track-muted` / `track-unmuted`. Without it that test is skipped.
   */
  setCameraMuted?(muted: boolean): Promise<void>
  /** Sends a data message to the room: the connection under test sees `data-received`. */
  sendData?(data: string): Promise<void>
  /** The data messages this participant has received so far. */
  receivedData?(): readonly string[]
  /**
   * Speaks at `level` (0 to 1; 0 is silence) until called again: an adapter with
   * `capabilities.activeSpeakers` lists this participant in `active-speakers-changed` while it
   * speaks, and leaves it out once it is silent. A harness that measures audio in the page makes the
   * participant's microphone play a tone this loud. Required when the adapter declares `activeSpeakers`.
   */
  setSpeaking?(level: number): Promise<void>
  /**
   * Makes this participant's connection report `quality` (the vendor's network-quality level, or
   * the statistics the adapter reads): an adapter with `capabilities.connectionQuality` emits
   * `connection-quality-changed` with this participant and `local: false`. Required when the
   * adapter declares `connectionQuality`.
   */
  setConnectionQuality?(quality: ConnectionQuality): Promise<void>
  /**
   * Changes this participant's name and/or metadata on the vendor: an adapter with
   * `capabilities.participantUpdates` emits `participant-updated` with the new values. Required
   * when the adapter declares `participantUpdates`.
   */
  updateParticipant?(update: { name?: string; metadata?: Metadata }): Promise<void>
  /**
   * Starts or stops sharing a screen: a `tracks` adapter emits `track-subscribed` with a `screen`
   * video track, then `track-unsubscribed`. Required for a `tracks` adapter that declares `screenShare`.
   */
  setScreenShareEnabled?(enabled: boolean): Promise<void>
}

/** Who the suite connected, as the harness's back doors are told: the room and the identity. */
export type ClientLocalParticipant = ClientTokenRequest

/**
 * The suite's back door to the local side (the browser and the vendor around the connection under
 * test): devices, the local network, a preview's tracks. Each member is required by the
 * capability it drives; a declared capability whose back door is missing fails its test.
 */
export interface ClientAdapterSuiteLocal<Context = undefined> {
  /**
   * Tracks a page captured before joining (a preview), handed to `connect` as `ConnectOptions.tracks`
   * by the `localTracks` tests. Default: the memory provider's synthetic tracks
   * (`createMemoryLocalTracks`), whose `mediaStreamTrack` is a stand-in that works in Node.
   */
  createLocalTracks?(request: { audio: boolean; video: boolean }, context: Context): Promise<LocalTrack[]>
  /**
   * A device of `kind` that `switchDevice` can switch to (present, and not the one in use at
   * connect). Required for each kind `capabilities.switchDevice` lists.
   */
  deviceId?(kind: DeviceKind, context: Context): string | Promise<string>
  /**
   * Unplugs the device `deviceId` of `kind` (the suite switched to it first): the adapter falls
   * back to the default device and emits `active-device-changed` (`unplugged`). Required when
   * `capabilities.switchDevice` lists `camera` or `microphone`.
   */
  unplugDevice?(request: ClientLocalParticipant & { kind: 'camera' | 'microphone'; deviceId: string }, context: Context): Promise<void>
  /**
   * Makes the local participant's connection report `quality`: the adapter emits
   * `connection-quality-changed` with `local: true`. Required when the adapter declares `connectionQuality`.
   */
  setConnectionQuality?(request: ClientLocalParticipant & { quality: ConnectionQuality }, context: Context): Promise<void>
}

/** The server half, as the client suite drives it: a moderator's actions on the local participant. */
export interface ClientAdapterSuiteModerator<Context = undefined> {
  /**
   * Mutes the participant's microphone (`audio`) or camera (`video`) from the server (the matching
   * server adapter's `muteParticipant`, or the fake vendor's): the connection emits
   * `muted-by-moderator`. Required when the adapter declares `remoteMute`.
   */
  muteParticipant(request: ClientLocalParticipant & { kind: TrackKind }, context: Context): Promise<void>
}

export interface ClientAdapterSuiteOptions<Context = undefined> extends SuiteLifecycle<Context> {
  /** Title of the `describe` block; "client adapter" by default. */
  name?: string
  /** Makes the adapter under test (called before each test, after `setup`). */
  createAdapter: (context: Context) => ClientAdapter | Promise<ClientAdapter>
  /** A valid token for this identity in this room (for example from the matching server adapter). */
  issueToken: (request: ClientTokenRequest, context: Context) => Promise<Token>
  /**
   * Adds a second participant to a room: for the memory provider a second connection; for a faked
   * vendor SDK, the fake emitting the vendor's events. Without it the tests that need one are skipped.
   */
  remote?: {
    join(request: ClientTokenRequest, context: Context): Promise<RemoteParticipant>
  }
  /** A token the adapter must refuse (bad signature, expired…). Without it that test is skipped. */
  refusedToken?: (request: ClientTokenRequest, context: Context) => Promise<Token>
  /** The element `view` adapters render into. Required for them. */
  container?: () => HTMLElement
  /**
   * The element the track tests attach a remote track to. Default: `document.createElement(kind)`
   * where a document exists, else a stand-in with the members `attach` implementations set
   * (`srcObject`, `autoplay`, `playsInline`, `play()`).
   */
  mediaElement?: (kind: TrackKind) => HTMLMediaElement
  /** How long to wait for an event. Default 2000 ms. */
  eventTimeoutMilliseconds?: number
  /** The back door to the local side: devices, the local network, a preview's tracks. */
  local?: ClientAdapterSuiteLocal<Context>
  /** The server half acting on the local participant (`remoteMute`). */
  moderator?: ClientAdapterSuiteModerator<Context>
}

/**
 * Lets every callback already queued run (microtasks, then two turns of the event loop) without a
 * wall-clock wait, so that an event an adapter emits right after a call has been emitted by now.
 */
const settle = async (): Promise<void> => {
  for (let turn = 0; turn < 2; turn += 1) await new Promise<void>((resolve) => setImmediate(resolve))
}

/** What a stand-in element has: the members `attach` implementations set or call. */
const standInElement = (kind: TrackKind): HTMLMediaElement =>
  ({
    tagName: kind.toUpperCase(),
    autoplay: false,
    playsInline: false,
    srcObject: null,
    play: () => Promise.resolve(),
    remove: () => undefined,
  }) as unknown as HTMLMediaElement

/** Just enough of a MediaStream for `attach` (`srcObject = new MediaStream([track])`) where the runtime has none (Node). */
class StandInMediaStream {
  readonly id = `stand-in-${Math.random().toString(36).slice(2)}`
  readonly #tracks: MediaStreamTrack[]
  constructor(tracks: readonly MediaStreamTrack[] = []) {
    this.#tracks = [...tracks]
  }
  getTracks(): MediaStreamTrack[] {
    return [...this.#tracks]
  }
  getAudioTracks(): MediaStreamTrack[] {
    return this.#tracks.filter((track) => track.kind === 'audio')
  }
  getVideoTracks(): MediaStreamTrack[] {
    return this.#tracks.filter((track) => track.kind === 'video')
  }
  addTrack(track: MediaStreamTrack): void {
    if (!this.#tracks.includes(track)) this.#tracks.push(track)
  }
  removeTrack(track: MediaStreamTrack): void {
    const index = this.#tracks.indexOf(track)
    if (index !== -1) this.#tracks.splice(index, 1)
  }
}

const localIdentity = 'conformance-local'
const remoteIdentity = 'conformance-remote'

/**
 * Registers the conformance tests of the client adapter specification v1 (vitest `describe`/`it`).
 * Capabilities the adapter declares absent, and checks the harness cannot drive, are reported as skipped.
 */
export function runClientAdapterSuite<Context = undefined>(options: ClientAdapterSuiteOptions<Context>): void {
  const timeoutMilliseconds = options.eventTimeoutMilliseconds ?? 2000

  describe(`${options.name ?? 'client adapter'} conformance (client adapter v1)`, () => {
    const suite = useSuiteContext(options)
    let adapter: ClientAdapter
    beforeEach(async () => {
      adapter = await options.createAdapter(suite.current())
    })

    const tokenFor = (request: ClientTokenRequest): Promise<Token> => options.issueToken(request, suite.current())
    const connectOptions = (request: ClientTokenRequest, extra: Partial<ConnectOptions> = {}): ConnectOptions => ({
      audio: false,
      video: false,
      refreshToken: () => tokenFor(request),
      ...(options.container ? { container: options.container() } : {}),
      ...extra,
    })
    const connect = async (label: string): Promise<{ connection: ClientConnection; room: string }> => {
      const request = { room: uniqueRoomName(label), identity: localIdentity }
      const connection = await adapter.connect(await tokenFor(request), connectOptions(request))
      suite.defer(() => connection.disconnect())
      return { connection, room: request.room }
    }
    const joinRemote = async (room: string): Promise<RemoteParticipant> => {
      const remote = await options.remote!.join({ room, identity: remoteIdentity }, suite.current())
      suite.defer(() => remote.leave())
      return remote
    }
    const waiting = { timeoutMilliseconds }
    const mediaElement = (kind: TrackKind): HTMLMediaElement =>
      options.mediaElement ? options.mediaElement(kind) : typeof document === 'undefined' ? standInElement(kind) : document.createElement(kind)
    /** Lends a stand-in `MediaStream` global for this test where the runtime has none. */
    const lendMediaStream = (): void => {
      const scope = globalThis as { MediaStream?: unknown }
      if (scope.MediaStream !== undefined) return
      scope.MediaStream = StandInMediaStream
      suite.defer(() => {
        if (scope.MediaStream === StandInMediaStream) delete scope.MediaStream
      })
    }

    describe('declaration', () => {
      it('declares specification v1, a provider id and complete capabilities', () => {
        expect(adapter.specificationVersion).toBe('v1')
        expect(adapter.provider).toMatch(/^[a-z][a-z0-9-]*$/)
        expect(['tracks', 'view']).toContain(adapter.capabilities.media)
        expect(typeof adapter.capabilities.updateToken).toBe('boolean')
        expect(typeof adapter.capabilities.sendData).toBe('boolean')
        expect(['boolean', 'undefined']).toContain(typeof adapter.capabilities.trackMuteEvents)
      })
    })

    describe('connect', () => {
      it('returns a connection whose local participant is the token identity', async () => {
        const { connection } = await connect('identity')
        expect(ParticipantSchema.parse(connection.localParticipant).identity).toBe(localIdentity)
      })

      it('lists remote participants only: not itself', async () => {
        const { connection } = await connect('alone')
        expect(connection.participants().map((participant) => participant.identity)).not.toContain(localIdentity)
      })

      it('rejects with ABORTED when the signal has already fired', async () => {
        const request = { room: uniqueRoomName('abort'), identity: localIdentity }
        const connecting = adapter.connect(await tokenFor(request), connectOptions(request, { signal: AbortSignal.abort() }))
        connecting.then((connection) => suite.defer(() => connection.disconnect())).catch(() => undefined)
        await expectCallportError(connecting, ['ABORTED'])
      })

      it('refuses a bad token with a CallportError', async (test) => {
        test.skip(!options.refusedToken, 'no refusedToken option')
        const request = { room: uniqueRoomName('refused'), identity: localIdentity }
        const connecting = adapter.connect(await options.refusedToken!(request, suite.current()), connectOptions(request))
        connecting.then((connection) => suite.defer(() => connection.disconnect())).catch(() => undefined)
        await expectCallportError(connecting, ['UNAUTHORIZED', 'TOKEN_EXPIRED', 'FORBIDDEN', 'PROVIDER_REJECTED'])
      })

      it('hands a view adapter the container', async (test) => {
        test.skip(adapter.capabilities.media !== 'view', 'capabilities.media is "tracks"')
        expect(options.container, 'a view adapter needs the container option').toBeTypeOf('function')
        const { connection } = await connect('view')
        expect(connection.localParticipant.identity).toBe(localIdentity)
      })
    })

    describe('participants', () => {
      it('sees a remote participant join, then leave', async (test) => {
        test.skip(!options.remote, 'no remote option to add a second participant')
        const { connection, room } = await connect('remote')
        const joined = waitForEvent(connection, 'participant-joined', waiting)
        const remote = await joinRemote(room)
        const [{ participant }] = await joined
        expect(ParticipantSchema.parse(participant).identity).toBe(remoteIdentity)
        expect(connection.participants().map((listed) => listed.identity)).toEqual([remoteIdentity])
        const left = waitForEvent(connection, 'participant-left', waiting)
        await remote.leave()
        expect((await left)[0].participant.identity).toBe(remoteIdentity)
        expect(connection.participants()).toEqual([])
      })

      it('subscribes to a remote camera, then unsubscribes', async (test) => {
        test.skip(adapter.capabilities.media !== 'tracks', 'capabilities.media is "view"')
        test.skip(!options.remote, 'no remote option to add a second participant')
        const { connection, room } = await connect('tracks')
        const remote = await joinRemote(room)
        test.skip(!remote.setCameraEnabled, 'the remote participant cannot publish a camera')
        const subscribed = waitForEvent(connection, 'track-subscribed', waiting)
        await remote.setCameraEnabled!(true)
        const [{ participant, track }] = await subscribed
        expect(participant.identity).toBe(remoteIdentity)
        expect(track).toMatchObject({ kind: 'video', source: 'camera' })
        expect(track.id.length).toBeGreaterThan(0)
        const unsubscribed = waitForEvent(connection, 'track-unsubscribed', waiting)
        await remote.setCameraEnabled!(false)
        expect((await unsubscribed)[0].track.id).toBe(track.id)
      })

      it('reports a remote camera muted, then unmuted, as track-muted / track-unmuted of the same track', async (test) => {
        test.skip(adapter.capabilities.media !== 'tracks', 'capabilities.media is "view"')
        test.skip(!adapter.capabilities.trackMuteEvents, 'capabilities.trackMuteEvents is false')
        test.skip(!options.remote, 'no remote option to add a second participant')
        const { connection, room } = await connect('mute')
        const remote = await joinRemote(room)
        test.skip(!remote.setCameraEnabled || !remote.setCameraMuted, 'the remote participant cannot publish and mute a camera')
        const subscribed = waitForEvent(connection, 'track-subscribed', waiting)
        await remote.setCameraEnabled!(true)
        const [{ track }] = await subscribed
        const unsubscribed = vi.fn()
        connection.on('track-unsubscribed', unsubscribed)
        const muted = waitForEvent(connection, 'track-muted', waiting)
        await remote.setCameraMuted!(true)
        const [mutedEvent] = await muted
        expect(mutedEvent.participant.identity).toBe(remoteIdentity)
        expect(mutedEvent.track).toMatchObject({ id: track.id, kind: 'video', source: 'camera' })
        const unmuted = waitForEvent(connection, 'track-unmuted', waiting)
        await remote.setCameraMuted!(false)
        const [unmutedEvent] = await unmuted
        expect(unmutedEvent.participant.identity).toBe(remoteIdentity)
        expect(unmutedEvent.track).toMatchObject({ id: track.id, kind: 'video', source: 'camera' })
        // Events of one connection arrive in order: a track-unsubscribed for the mute would have come before track-unmuted.
        expect(unsubscribed, 'a muted camera is not an unsubscribed track').not.toHaveBeenCalled()
      })

      // The documented cleanup, `track.detach().forEach((element) => element.remove())` in the
      // `track-unsubscribed` listener, must find the elements still attached: an adapter emits the
      // event first and may detach what is left only after every listener ran.
      for (const going of ['unpublishes its camera', 'leaves'] as const) {
        it(`track.detach() in the track-unsubscribed listener returns the attached elements (the remote ${going})`, async (test) => {
          test.skip(adapter.capabilities.media !== 'tracks', 'capabilities.media is "view"')
          test.skip(!options.remote, 'no remote option to add a second participant')
          lendMediaStream()
          const { connection, room } = await connect('detach')
          const remote = await joinRemote(room)
          test.skip(!remote.setCameraEnabled, 'the remote participant cannot publish a camera')
          const subscribed = waitForEvent(connection, 'track-subscribed', waiting)
          await remote.setCameraEnabled!(true)
          const [{ track }] = await subscribed
          const element = mediaElement(track.kind)
          expect(track.attach(element)).toBe(element)
          const detachedInListener: HTMLMediaElement[][] = []
          // Registered before waitForEvent's listener, so it runs first, as an app's own listener would.
          connection.on('track-unsubscribed', (event) => {
            if (event.track.id === track.id) detachedInListener.push(event.track.detach())
          })
          const unsubscribed = waitForEvent(connection, 'track-unsubscribed', { ...waiting, filter: (event) => event.track.id === track.id })
          if (going === 'leaves') await remote.leave()
          else await remote.setCameraEnabled!(false)
          await unsubscribed
          expect(detachedInListener).toEqual([[element]])
          expect(track.detach(), 'nothing is left attached once the listeners ran').toEqual([])
        })
      }
    })

    describe('media and leaving', () => {
      it('setMicrophoneEnabled and setCameraEnabled resolve, on and off', async () => {
        const { connection } = await connect('media')
        for (const enabled of [true, false]) {
          await connection.setMicrophoneEnabled(enabled)
          await connection.setCameraEnabled(enabled)
        }
      })

      it('disconnect is idempotent and emits no disconnected event', async () => {
        const { connection } = await connect('leave')
        const disconnected = vi.fn()
        connection.on('disconnected', disconnected)
        await connection.disconnect()
        await connection.disconnect()
        await settle()
        expect(disconnected).not.toHaveBeenCalled()
      })
    })

    describe('optional methods', () => {
      it('has updateToken exactly when capabilities.updateToken is true', async () => {
        const { connection } = await connect('update-flag')
        expect(typeof connection.updateToken === 'function').toBe(adapter.capabilities.updateToken)
      })

      it('updateToken accepts a fresh token for the same room and identity', async (test) => {
        test.skip(!adapter.capabilities.updateToken, 'capabilities.updateToken is false')
        const { connection, room } = await connect('update')
        await connection.updateToken!(await tokenFor({ room, identity: localIdentity }))
        expect(connection.localParticipant.identity).toBe(localIdentity)
      })

      it('has sendData exactly when capabilities.sendData is true', async () => {
        const { connection } = await connect('send-flag')
        expect(typeof connection.sendData === 'function').toBe(adapter.capabilities.sendData)
      })

      it('sendData reaches the remote participant', async (test) => {
        test.skip(!adapter.capabilities.sendData, 'capabilities.sendData is false')
        test.skip(!options.remote, 'no remote option to add a second participant')
        const { connection, room } = await connect('send')
        const remote = await joinRemote(room)
        await connection.sendData!('hello from local')
        test.skip(!remote.receivedData, 'the remote participant cannot report received data')
        await vi.waitFor(() => expect(remote.receivedData!()).toContain('hello from local'), { timeout: timeoutMilliseconds })
      })

      it('receives data the remote participant sends', async (test) => {
        test.skip(!adapter.capabilities.sendData, 'capabilities.sendData is false')
        test.skip(!options.remote, 'no remote option to add a second participant')
        const { connection, room } = await connect('receive')
        const remote = await joinRemote(room)
        test.skip(!remote.sendData, 'the remote participant cannot send data')
        const received = waitForEvent(connection, 'data-received', waiting)
        await remote.sendData!('hello from remote')
        const [event] = await received
        expect(event.data).toBe('hello from remote')
        expect(event.participant?.identity).toBe(remoteIdentity)
      })
    })

    // Issue 16: each capability an adapter declares is tested; one it does not declare is skipped
    // with the reason. A declared capability whose back door the harness lacks fails: a declared
    // capability must be proved.
    describe('capabilities of the call surface', () => {
      const connectWith = async (label: string, extra: Partial<ConnectOptions>): Promise<{ connection: ClientConnection; room: string }> => {
        const request = { room: uniqueRoomName(label), identity: localIdentity }
        const connection = await adapter.connect(await tokenFor(request), connectOptions(request, extra))
        suite.defer(() => connection.disconnect())
        return { connection, room: request.room }
      }
      const remoteFor = async (capability: string, room: string): Promise<RemoteParticipant> => {
        if (!options.remote) expect.fail(`capabilities.${capability} is declared: the suite needs the remote option (a second participant) to test it`)
        return joinRemote(room)
      }
      /** Fails the running test unless the remote participant has the back door `name`. */
      const requireBackDoor = (remote: RemoteParticipant, name: keyof RemoteParticipant, capability: string): void => {
        if (remote[name] === undefined) expect.fail(`capabilities.${capability} is declared: the remote participant needs the ${name} back door to test it`)
      }
      /** The local back door, after failing the running test unless it has `name`. */
      const requireLocal = (name: keyof ClientAdapterSuiteLocal<Context>, message: string): ClientAdapterSuiteLocal<Context> => {
        if (options.local?.[name] === undefined) expect.fail(message)
        return options.local
      }
      const localTracksOf = (connection: ClientConnection): LocalTrack[] => {
        if (!connection.localTracks) expect.fail('capabilities.localTracks is declared: the connection needs localTracks()')
        return connection.localTracks()
      }
      const createLocalTracks = (request: { audio: boolean; video: boolean }): Promise<LocalTrack[]> =>
        options.local?.createLocalTracks ? options.local.createLocalTracks(request, suite.current()) : Promise.resolve(createMemoryLocalTracks(request))

      describe('declaration', () => {
        it('declares the optional capabilities with their types; a tracks adapter leaves the speaker to the session', () => {
          const capabilities = adapter.capabilities
          for (const flag of [
            'localTracks',
            'screenShare',
            'screenShareAudio',
            'activeSpeakers',
            'connectionQuality',
            'participantUpdates',
            'remoteMute',
            'prepare',
          ] as const) {
            expect(['boolean', 'undefined'], `capabilities.${flag}`).toContain(typeof capabilities[flag])
          }
          const kinds = capabilities.switchDevice ?? []
          expect(Array.isArray(kinds), 'capabilities.switchDevice is a list of device kinds').toBe(true)
          for (const kind of kinds) expect(['camera', 'microphone', 'speaker']).toContain(kind)
          if (capabilities.media === 'tracks') expect(kinds, 'a tracks adapter does not list speaker: the session sets setSinkId itself').not.toContain('speaker')
          if (capabilities.screenShareAudio) expect(capabilities.screenShare, 'screenShareAudio needs screenShare').toBe(true)
        })

        it('has prepare exactly when capabilities.prepare is true', () => {
          expect(typeof adapter.prepare === 'function').toBe(adapter.capabilities.prepare === true)
        })

        it('has localTracks, switchDevice and setScreenShareEnabled exactly when their capabilities say so', async () => {
          const { connection } = await connect('method-flags')
          const { localTracks = false, switchDevice = [], screenShare = false } = adapter.capabilities
          expect(typeof connection.localTracks === 'function', 'localTracks() vs capabilities.localTracks').toBe(localTracks)
          expect(typeof connection.switchDevice === 'function', 'switchDevice() vs capabilities.switchDevice').toBe(switchDevice.length > 0)
          expect(typeof connection.setScreenShareEnabled === 'function', 'setScreenShareEnabled() vs capabilities.screenShare').toBe(screenShare)
        })
      })

      describe('local tracks', () => {
        it('connect publishes the tracks of ConnectOptions.tracks and never stops them', async (test) => {
          test.skip(!adapter.capabilities.localTracks, 'capabilities.localTracks is false')
          const handed = await createLocalTracks({ audio: true, video: true })
          const stops = handed.flatMap((track) => [vi.spyOn(track, 'stop'), vi.spyOn(track.mediaStreamTrack, 'stop')])
          const { connection } = await connectWith('preview', { audio: true, video: true, tracks: handed })
          const published = localTracksOf(connection).map((track) => track.mediaStreamTrack)
          for (const track of handed) expect(published, `the handed ${track.kind} track is published, not a new capture`).toContain(track.mediaStreamTrack)
          await connection.setCameraEnabled(false)
          await connection.setMicrophoneEnabled(false)
          await connection.disconnect()
          for (const stop of stops) expect(stop, 'the page owns the tracks it handed to connect: the adapter never stops them').not.toHaveBeenCalled()
        })

        it('emits local-track-published as the camera turns on; turned off, it is unpublished (local-track-unpublished) or kept published', async (test) => {
          test.skip(!adapter.capabilities.localTracks, 'capabilities.localTracks is false')
          const { connection } = await connect('local-camera')
          const published = waitForEvent(connection, 'local-track-published', waiting)
          await connection.setCameraEnabled(true)
          const [{ track }] = await published
          expect(track).toMatchObject({ kind: 'video', source: 'camera' })
          expect(localTracksOf(connection).map((listed) => listed.id)).toContain(track.id)
          const unpublished = vi.fn()
          connection.on('local-track-unpublished', (event) => event.track.id === track.id && unpublished(event))
          await connection.setCameraEnabled(false)
          await settle()
          // A vendor may keep a camera turned off published (disabled, as remote track-muted shows it) or unpublish it; either way the list says which.
          const listed = localTracksOf(connection).some((listed) => listed.id === track.id)
          expect(listed, listed ? 'kept published, yet local-track-unpublished was emitted' : 'no longer listed, yet no local-track-unpublished').toBe(
            unpublished.mock.calls.length === 0,
          )
        })
      })

      describe('devices', () => {
        const sourceOf = { camera: 'camera', microphone: 'microphone' } as const
        for (const kind of ['camera', 'microphone', 'speaker'] as const satisfies readonly DeviceKind[]) {
          const media = { audio: kind === 'microphone', video: kind === 'camera' }

          it(`switchDevice('${kind}') switches and emits active-device-changed (switched); an unknown device is DEVICE_NOT_FOUND`, async (test) => {
            test.skip(!adapter.capabilities.switchDevice?.includes(kind), `capabilities.switchDevice does not list ${kind}`)
            const local = requireLocal('deviceId', `capabilities.switchDevice lists ${kind}: the suite needs local.deviceId(kind) to test it`)
            const deviceId = await local.deviceId!(kind, suite.current())
            const { connection } = await connectWith(`switch-${kind}`, media)
            const changed = waitForEvent(connection, 'active-device-changed', { ...waiting, filter: (event) => event.kind === kind })
            await connection.switchDevice!(kind, deviceId)
            expect((await changed)[0]).toMatchObject({ kind, deviceId, reason: 'switched' })
            if (adapter.capabilities.localTracks && kind !== 'speaker') {
              const track = localTracksOf(connection).find((listed) => listed.source === sourceOf[kind])
              expect(track?.deviceId, `the published ${kind} track captures from the new device`).toBe(deviceId)
            }
            await expectCallportError(connection.switchDevice!(kind, 'conformance-no-such-device'), ['DEVICE_NOT_FOUND'])
          })

          if (kind === 'speaker') continue
          it(`an unplugged ${kind} falls back to the default with active-device-changed (unplugged)`, async (test) => {
            test.skip(!adapter.capabilities.switchDevice?.includes(kind), `capabilities.switchDevice does not list ${kind}`)
            requireLocal('deviceId', `capabilities.switchDevice lists ${kind}: the suite needs local.deviceId(kind) to test it`)
            const local = requireLocal('unplugDevice', `capabilities.switchDevice lists ${kind}: the suite needs local.unplugDevice to test the fallback`)
            const deviceId = await local.deviceId!(kind, suite.current())
            const { connection, room } = await connectWith(`unplug-${kind}`, media)
            await connection.switchDevice!(kind, deviceId)
            const changed = waitForEvent(connection, 'active-device-changed', { ...waiting, filter: (event) => event.kind === kind && event.reason === 'unplugged' })
            await local.unplugDevice!({ room, identity: localIdentity, kind, deviceId }, suite.current())
            const [event] = await changed
            expect(event.deviceId, 'the device in use after the unplug').not.toBe(deviceId)
          })
        }
      })

      describe('screen share', () => {
        for (const audio of [false, true]) {
          it(`setScreenShareEnabled(true${audio ? ', { audio: true }' : ''}) publishes a screen${audio ? ' and its audio' : ''}; false stops it`, async (test) => {
            test.skip(!adapter.capabilities.screenShare, 'capabilities.screenShare is false')
            test.skip(audio && !adapter.capabilities.screenShareAudio, 'capabilities.screenShareAudio is false')
            const { connection } = await connect(audio ? 'screen-audio' : 'screen')
            const expected = audio ? ['screen', 'screen-audio'] : ['screen']
            const published: LocalTrack[] = []
            connection.on('local-track-published', ({ track }) => published.push(track))
            await connection.setScreenShareEnabled!(true, { audio })
            if (!adapter.capabilities.localTracks) {
              await connection.setScreenShareEnabled!(false)
              return
            }
            await vi.waitFor(() => expect(published.map((track) => track.source).sort()).toEqual(expected), { timeout: timeoutMilliseconds })
            expect(published.find((track) => track.source === 'screen')?.kind).toBe('video')
            if (audio) expect(published.find((track) => track.source === 'screen-audio')?.kind).toBe('audio')
            expect(localTracksOf(connection).map((track) => track.source)).toEqual(expect.arrayContaining(expected))
            const unpublished: LocalTrack[] = []
            connection.on('local-track-unpublished', ({ track }) => unpublished.push(track))
            await connection.setScreenShareEnabled!(false)
            await vi.waitFor(() => expect(unpublished.map((track) => track.id).sort()).toEqual(published.map((track) => track.id).sort()), { timeout: timeoutMilliseconds })
            expect(localTracksOf(connection).map((track) => track.source)).not.toContain('screen')
          })
        }

        it('a remote screen share is track-subscribed with source "screen", then track-unsubscribed', async (test) => {
          test.skip(adapter.capabilities.media !== 'tracks', 'capabilities.media is "view"')
          test.skip(!options.remote, 'no remote option to add a second participant')
          const { connection, room } = await connect('remote-screen')
          const remote = await joinRemote(room)
          test.skip(!adapter.capabilities.screenShare && !remote.setScreenShareEnabled, 'capabilities.screenShare is false and the remote participant cannot share a screen')
          requireBackDoor(remote, 'setScreenShareEnabled', 'screenShare')
          const subscribed = waitForEvent(connection, 'track-subscribed', { ...waiting, filter: (event) => event.track.source === 'screen' })
          await remote.setScreenShareEnabled!(true)
          const [{ participant, track }] = await subscribed
          expect(participant.identity).toBe(remoteIdentity)
          expect(track.kind).toBe('video')
          const unsubscribed = waitForEvent(connection, 'track-unsubscribed', { ...waiting, filter: (event) => event.track.id === track.id })
          await remote.setScreenShareEnabled!(false)
          await unsubscribed
        })
      })

      describe('remote state', () => {
        it('active-speakers-changed lists a remote participant who speaks, loudest first, and drops them when silent', async (test) => {
          test.skip(!adapter.capabilities.activeSpeakers, 'capabilities.activeSpeakers is false')
          const { connection, room } = await connect('speakers')
          const remote = await remoteFor('activeSpeakers', room)
          requireBackDoor(remote, 'setSpeaking', 'activeSpeakers')
          const speaking = waitForEvent(connection, 'active-speakers-changed', {
            ...waiting,
            filter: (event) => event.speakers.some((speaker) => speaker.participant.identity === remoteIdentity),
          })
          await remote.setSpeaking!(0.8)
          const [{ speakers }] = await speaking
          for (const speaker of speakers) expect(speaker.level, `level of ${speaker.participant.identity}`).toBeGreaterThanOrEqual(0)
          for (const speaker of speakers) expect(speaker.level, `level of ${speaker.participant.identity}`).toBeLessThanOrEqual(1)
          const levels = speakers.map((speaker) => speaker.level)
          expect(levels, 'loudest first').toEqual([...levels].sort((a, b) => b - a))
          expect(speakers.find((speaker) => speaker.participant.identity === remoteIdentity)!.level).toBeGreaterThan(0)
          const silent = waitForEvent(connection, 'active-speakers-changed', {
            ...waiting,
            filter: (event) => !event.speakers.some((speaker) => speaker.participant.identity === remoteIdentity),
          })
          await remote.setSpeaking!(0)
          await silent
        })

        it('connection-quality-changed reports a remote participant (local: false)', async (test) => {
          test.skip(!adapter.capabilities.connectionQuality, 'capabilities.connectionQuality is false')
          const { connection, room } = await connect('quality-remote')
          const remote = await remoteFor('connectionQuality', room)
          requireBackDoor(remote, 'setConnectionQuality', 'connectionQuality')
          for (const quality of ['poor', 'excellent'] as const) {
            const changed = waitForEvent(connection, 'connection-quality-changed', {
              ...waiting,
              filter: (event) => event.participant.identity === remoteIdentity && event.quality === quality,
            })
            await remote.setConnectionQuality!(quality)
            expect((await changed)[0].local).toBe(false)
          }
        })

        it('connection-quality-changed reports the local participant (local: true)', async (test) => {
          test.skip(!adapter.capabilities.connectionQuality, 'capabilities.connectionQuality is false')
          const local = requireLocal('setConnectionQuality', 'capabilities.connectionQuality is declared: the suite needs local.setConnectionQuality to test it')
          const { connection, room } = await connect('quality-local')
          for (const quality of ['poor', 'good'] as const) {
            const changed = waitForEvent(connection, 'connection-quality-changed', { ...waiting, filter: (event) => event.local && event.quality === quality })
            await local.setConnectionQuality!({ room, identity: localIdentity, quality }, suite.current())
            expect((await changed)[0].participant.identity).toBe(localIdentity)
          }
        })

        it("participant-updated carries a remote participant's new name and metadata", async (test) => {
          test.skip(!adapter.capabilities.participantUpdates, 'capabilities.participantUpdates is false')
          const { connection, room } = await connect('updated')
          const remote = await remoteFor('participantUpdates', room)
          requireBackDoor(remote, 'updateParticipant', 'participantUpdates')
          const updated = waitForEvent(connection, 'participant-updated', { ...waiting, filter: (event) => event.participant.identity === remoteIdentity })
          await remote.updateParticipant!({ name: 'Renamed Remote', metadata: { hand: 'raised' } })
          const [{ participant }] = await updated
          expect(ParticipantSchema.parse(participant)).toMatchObject({ identity: remoteIdentity, name: 'Renamed Remote', metadata: { hand: 'raised' } })
          expect(connection.participants().find((listed) => listed.identity === remoteIdentity)?.name).toBe('Renamed Remote')
        })
      })

      describe('moderation', () => {
        for (const kind of ['audio', 'video'] as const) {
          it(`a moderator muting the ${kind === 'audio' ? 'microphone' : 'camera'} gives muted-by-moderator (${kind}); the participant can turn it on again`, async (test) => {
            test.skip(!adapter.capabilities.remoteMute, 'capabilities.remoteMute is false')
            const moderator = options.moderator
            if (!moderator) expect.fail('capabilities.remoteMute is declared: the suite needs the moderator option (muteParticipant) to test it')
            const { connection, room } = await connectWith(`mute-${kind}`, { audio: kind === 'audio', video: kind === 'video' })
            const muted = waitForEvent(connection, 'muted-by-moderator', waiting)
            await moderator.muteParticipant({ room, identity: localIdentity, kind }, suite.current())
            expect((await muted)[0].kind).toBe(kind)
            if (kind === 'audio') await connection.setMicrophoneEnabled(true)
            else await connection.setCameraEnabled(true)
            if (adapter.capabilities.localTracks)
              expect(
                localTracksOf(connection).map((track) => track.kind),
                'published again',
              ).toContain(kind)
          })
        }
      })

      describe('prepare', () => {
        it('prepare(undefined), then prepare(token), then connect with that token', async (test) => {
          test.skip(!adapter.capabilities.prepare, 'capabilities.prepare is false')
          const request = { room: uniqueRoomName('prepare'), identity: localIdentity }
          await adapter.prepare!(undefined)
          const token = await tokenFor(request)
          await adapter.prepare!(token)
          const connection = await adapter.connect(token, connectOptions(request))
          suite.defer(() => connection.disconnect())
          expect(connection.localParticipant.identity).toBe(localIdentity)
        })

        it('prepare rejects with ABORTED when the signal has already fired', async (test) => {
          test.skip(!adapter.capabilities.prepare, 'capabilities.prepare is false')
          await expectCallportError(adapter.prepare!(undefined, { signal: AbortSignal.abort() }), ['ABORTED'])
        })
      })
    })
  })
}
