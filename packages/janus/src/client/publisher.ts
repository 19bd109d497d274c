import { CallportError } from '@callport/core'
import { JANUS_PROVIDER } from '../shared/provider-id'
import {
  peerConnectionOf,
  type JanusJsAttachOptions,
  type JanusJsJsep,
  type JanusJsMessage,
  type JanusJsPluginHandle,
  type JanusJsSession,
  type JanusJsTrackOption,
} from './janus-js-types'

/** A VideoRoom error as a CallportError: Janus's unauthorized codes (433 in VideoRoom, 403 in the core) are UNAUTHORIZED. */
export function errorOf(message: JanusJsMessage): CallportError {
  const code = message.error_code === 433 || message.error_code === 403 ? 'UNAUTHORIZED' : message.error_code === 426 ? 'ROOM_NOT_FOUND' : 'CONNECTION_FAILED'
  return new CallportError(code, `Janus VideoRoom: ${message.error ?? 'error'} (${String(message.error_code)})`, { provider: JANUS_PROVIDER })
}

/** Attaches a VideoRoom handle to the session. */
export const attachVideoRoom = (session: JanusJsSession, callbacks: Omit<JanusJsAttachOptions, 'plugin' | 'success' | 'error'>, token: string) =>
  new Promise<JanusJsPluginHandle>((resolve, reject) =>
    session.attach({
      plugin: 'janus.plugin.videoroom',
      token,
      ...callbacks,
      success: resolve,
      error: (error) => reject(new CallportError('CONNECTION_FAILED', `Janus refused to attach to the VideoRoom: ${error}`, { provider: JANUS_PROVIDER })),
    }),
  )

/** What a publisher handle needs to join. */
export interface PublisherOptions {
  session: JanusJsSession
  coreToken: string
  roomToken: string
  room: number
  /** The VideoRoom `display` (encodeJanusDisplay). */
  display: string
  /** Every VideoRoom message of this handle, after the publisher's own bookkeeping. */
  onmessage?(message: JanusJsMessage): void
  /** janus.js's ICE state of this handle's peer connection. */
  iceState?(state: 'connected' | 'failed' | 'disconnected' | 'closed'): void
  /** janus.js's WebRTC state of this handle's peer connection (false: it went down). */
  webrtcState?(up: boolean): void
}

interface Pending {
  resolve(): void
  reject(error: CallportError): void
}

/**
 * One VideoRoom publisher handle: joins with a display (`join`, ptype publisher), then publishes the
 * tracks it is given — the first time with `publish`, later additions with `configure` (a
 * renegotiation) — one offer at a time, each answered by Janus. janus.js never captures: every track
 * is a MediaStreamTrack the adapter or the page captured (`dontStop`, so janus.js never stops it).
 */
export class Publisher {
  readonly handle: JanusJsPluginHandle
  /** This publisher's VideoRoom id (from `joined`). */
  readonly id: number
  /** The `joined` event (the publishers already in the room). */
  readonly joined: JanusJsMessage
  #published = false
  #display: string | undefined
  #pending: Pending | undefined
  #queue: Promise<void> = Promise.resolve()

  private constructor(handle: JanusJsPluginHandle, joined: JanusJsMessage) {
    this.handle = handle
    this.joined = joined
    this.id = joined.id as number
  }

  /** Attaches a handle and joins the room as a publisher; resolves once VideoRoom said `joined`. */
  static async join(options: PublisherOptions): Promise<Publisher> {
    const state: { handle?: JanusJsPluginHandle; publisher?: Publisher; joining?: { resolve(publisher: Publisher): void; reject(error: CallportError): void } } = {}
    const joined = new Promise<Publisher>((resolve, reject) => (state.joining = { resolve, reject }))
    state.handle = await attachVideoRoom(
      options.session,
      {
        onmessage: (message, jsep) => {
          const { publisher, joining, handle } = state
          if (!publisher) {
            if (message.error) joining?.reject(errorOf(message))
            // Made at once: janus.js hands over a batch of events in one go, and the next ones are this publisher's.
            else if (message.videoroom === 'joined' && handle) joining?.resolve((state.publisher = new Publisher(handle, message)))
            return
          }
          publisher.#onMessage(message, jsep)
          options.onmessage?.(message)
        },
        iceState: (ice) => options.iceState?.(ice),
        webrtcState: (up) => options.webrtcState?.(up),
      },
      options.coreToken,
    )
    const { handle } = state
    handle.send({
      message: { request: 'join', room: options.room, ptype: 'publisher', display: options.display, token: options.roomToken },
      error: (error) => state.joining?.reject(new CallportError('CONNECTION_FAILED', `Joining the Janus room: ${error}`, { provider: JANUS_PROVIDER, retryable: true })),
    })
    try {
      return await joined
    } catch (error) {
      handle.detach({ noRequest: false })
      throw error
    }
  }

  #onMessage(message: JanusJsMessage, jsep: JanusJsJsep | undefined): void {
    const pending = this.#pending
    if (!pending) return
    if (message.error) {
      this.#pending = undefined
      pending.reject(errorOf(message))
    } else if (jsep) {
      this.#pending = undefined
      this.handle.handleRemoteJsep({
        jsep,
        success: () => pending.resolve(),
        error: (error) => pending.reject(new CallportError('CONNECTION_FAILED', `Janus's answer: ${error}`, { provider: JANUS_PROVIDER })),
      })
    }
  }

  /**
   * Publishes `tracks` (added to what this handle already publishes); with `data`, a data channel too
   * (janus.js `{ type: 'data' }`), which gives the handle its peer connection to Janus even when it
   * publishes no media (connection quality, ICE and WebRTC state from the join on).
   */
  publish(tracks: readonly MediaStreamTrack[], options: { data?: boolean } = {}): Promise<void> {
    return this.#enqueue(() =>
      this.#negotiate([
        ...tracks.map((track): JanusJsTrackOption => ({
          type: track.kind === 'audio' ? 'audio' : 'video',
          capture: track,
          recv: false,
          dontStop: true,
          ...(this.#published ? { add: true } : {}),
        })),
        ...(options.data ? [{ type: 'data', capture: false } satisfies JanusJsTrackOption] : []),
      ]),
    )
  }

  /**
   * Publishes `track` again as a new stream (a new mid), its old stream removed, in one renegotiation
   * (VideoRoom `configure`): what lifts a moderator's mute, which VideoRoom keeps on the old stream.
   */
  republish(track: MediaStreamTrack): Promise<void> {
    const type: 'audio' | 'video' = track.kind === 'audio' ? 'audio' : 'video'
    const mid = this.handle.getLocalTracks()?.find((sent) => sent.id === track.id)?.mid
    const options: JanusJsTrackOption[] = [
      ...(mid === undefined ? [] : [{ type, mid, capture: false, remove: true, recv: false }]),
      { type, capture: track, recv: false, dontStop: true, add: true },
    ]
    return this.#enqueue(() => this.#negotiate(options))
  }

  #enqueue(run: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(run, run)
    this.#queue = next.catch(() => undefined)
    return next
  }

  #negotiate(options: JanusJsTrackOption[]): Promise<void> {
    const request = this.#published ? 'configure' : 'publish'
    return new Promise<void>((resolve, reject) => {
      const fail = (message: string, cause?: unknown) => {
        this.#pending = undefined
        reject(new CallportError('CONNECTION_FAILED', `Publishing to Janus: ${message}`, { provider: JANUS_PROVIDER, cause }))
      }
      this.#pending = {
        resolve: () => {
          this.#published = true
          resolve()
        },
        reject,
      }
      this.handle.createOffer({
        tracks: options,
        success: (jsep) => this.handle.send({ message: { request }, jsep, error: (error) => fail(error) }),
        error: (error) => fail(error.message, error),
      })
    })
  }

  /**
   * Sends `track` instead of `previous` on the same sender (janus.js `replaceTracks`, `replaceTrack`
   * underneath: no renegotiation, the others keep the same stream).
   */
  replace(previous: MediaStreamTrack, track: MediaStreamTrack): Promise<void> {
    const mid = this.handle.getLocalTracks()?.find((sent) => sent.id === previous.id)?.mid
    const type = track.kind === 'audio' ? 'audio' : 'video'
    return this.#enqueue(
      () =>
        new Promise<void>((resolve, reject) =>
          this.handle.replaceTracks({
            tracks: [{ type, ...(mid === undefined ? {} : { mid }), capture: track, replace: true, recv: false, dontStop: true }],
            success: () => resolve(),
            error: (error) => reject(new CallportError('CONNECTION_FAILED', `Replacing the ${type} track: ${String(error)}`, { provider: JANUS_PROVIDER })),
          }),
        ),
    )
  }

  /**
   * Gives the stream carrying `track` a new description (an SDP-less VideoRoom `configure` with
   * `descriptions`), which VideoRoom announces to the room's publishers. Nothing when it is not sent.
   */
  describe(track: MediaStreamTrack, description: string): Promise<void> {
    return this.#enqueue(async () => {
      const mid = this.handle.getLocalTracks()?.find((sent) => sent.id === track.id)?.mid
      if (mid === undefined) return
      await new Promise<void>((resolve) =>
        this.handle.send({ message: { request: 'configure', descriptions: [{ mid, description }] }, success: () => resolve(), error: () => resolve() }),
      )
    })
  }

  /** Changes this publisher's VideoRoom display (an SDP-less `configure`); nothing when it is the same. */
  setDisplay(display: string): Promise<void> {
    return this.#enqueue(async () => {
      if (display === this.#display) return
      this.#display = display
      await new Promise<void>((resolve) => this.handle.send({ message: { request: 'configure', display }, success: () => resolve(), error: () => resolve() }))
    })
  }

  /** The mid this handle sends `kind` on (janus.js `getLocalTracks`), for Janus's per-mid events. */
  kindOfMid(mid: unknown): 'audio' | 'video' | undefined {
    const sent = this.handle.getLocalTracks()?.find((track) => track.mid === mid)
    return sent?.type === 'audio' ? 'audio' : sent?.type === 'video' ? 'video' : undefined
  }

  /** The peer connection janus.js made for this handle, once it published. */
  get peerConnection(): RTCPeerConnection | undefined {
    return peerConnectionOf(this.handle)
  }

  /** Leaves the room (VideoRoom `leave`) and detaches the handle: the others hear `unpublished` / `leaving`. */
  leave(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.handle.send({ message: { request: 'leave' } })
      this.handle.detach({ success: () => resolve(), error: () => resolve() })
    })
  }
}
