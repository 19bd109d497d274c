import { ParticipantSchema, type ClientAdapter, type ClientConnection, type ConnectOptions, type Token, type TrackKind } from '@callport/core'
import { beforeEach, describe, expect, it, vi } from 'vitest'
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
  })
}
