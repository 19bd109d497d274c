import { CallportError, captureDisplayMedia, type ConnectionEvents, type EventEmitter, type LocalTrack, type Participant, type ScreenShareOptions } from '@callport/core'
import { encodeJanusDisplay } from '../shared/connect-parameters'
import { JANUS_PROVIDER } from '../shared/provider-id'
import type { JanusJsPluginHandle, JanusJsSession } from './janus-js-types'
import { Publisher } from './publisher'

/** What a {@link ScreenShare} joins the room with, and how it reaches its connection. */
export interface ScreenShareContext {
  session: JanusJsSession
  coreToken: string
  roomToken: string
  room: number
  local: Participant
  /** Where `local-track-published` / `local-track-unpublished` go. */
  events: Pick<EventEmitter<ConnectionEvents>, 'emit'>
  /** janus.js's ICE state of the screen publisher handle's peer connection. */
  iceState(state: string): void
}

/**
 * A page's screen share: a second VideoRoom publisher of the same participant (display source
 * `screen`) that publishes the display capture (core `captureDisplayMedia`): the others receive its
 * video as a `screen` track (and its audio as `screen-audio`). The browser's own "Stop sharing" stops it too.
 */
export class ScreenShare {
  readonly #context: ScreenShareContext
  #current: { publisher?: Publisher; tracks: LocalTrack[] } | undefined

  constructor(context: ScreenShareContext) {
    this.#context = context
  }

  /** Whether a share is started or starting. */
  get sharing(): boolean {
    return this.#current !== undefined
  }

  /** The screen publisher handle while a screen is shared. */
  get handle(): JanusJsPluginHandle | undefined {
    return this.#current?.publisher?.handle
  }

  /** The tracks shared (none until the screen publisher joined). */
  tracks(): LocalTrack[] {
    return this.#current?.publisher ? this.#current.tracks : []
  }

  /** Captures a screen and publishes it; nothing when a share is started or starting. */
  async start(options: ScreenShareOptions): Promise<void> {
    if (this.#current) return
    const screen: { publisher?: Publisher; tracks: LocalTrack[] } = { tracks: [] }
    this.#current = screen
    const { session, coreToken, roomToken, room, local, events } = this.#context
    try {
      screen.tracks = await captureDisplayMedia({ audio: options.audio === true }, { provider: JANUS_PROVIDER })
      const publisher = await Publisher.join({
        session,
        coreToken,
        roomToken,
        room,
        display: encodeJanusDisplay({ identity: local.identity, ...(local.name === undefined ? {} : { name: local.name }), source: 'screen' }),
        iceState: (state) => this.#context.iceState(state),
      })
      screen.publisher = publisher
      if (this.#current !== screen) throw new CallportError('ABORTED', 'The screen share was stopped while it started', { provider: JANUS_PROVIDER })
      await publisher.publish(screen.tracks.map((track) => track.mediaStreamTrack))
    } catch (error) {
      if (this.#current === screen) this.#current = undefined
      for (const track of screen.tracks) track.stop()
      await screen.publisher?.leave()
      throw error
    }
    const video = screen.tracks.find((track) => track.kind === 'video')
    video?.mediaStreamTrack.addEventListener('ended', () => this.#current === screen && void this.stop(), { once: true })
    for (const track of screen.tracks) events.emit('local-track-published', { track })
  }

  /** Stops sharing: the screen publisher leaves the room and the capture stops. */
  async stop(): Promise<void> {
    const screen = this.#current
    if (!screen) return
    this.#current = undefined
    const published = screen.publisher !== undefined
    await screen.publisher?.leave()
    for (const track of screen.tracks) {
      track.stop()
      if (published) this.#context.events.emit('local-track-unpublished', { track })
    }
  }

  /** Stops the capture without a word (the connection ended: the session's destruction takes the handle). */
  close(): void {
    const screen = this.#current
    this.#current = undefined
    for (const track of screen?.tracks ?? []) track.stop()
  }
}
