import { CallportError } from '@callport/core'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { errorFromOpenViduBrowser } from './openvidu-reasons'
import type { OpenViduBrowser, OpenViduBrowserPublisher, OpenViduBrowserPublisherProperties, OpenViduBrowserSession } from './openvidu-browser-types'

/** Publisher properties the app may choose (the sources and the published flags are the adapter's). */
export type OpenViduPublisherProperties = Pick<OpenViduBrowserPublisherProperties, 'resolution' | 'frameRate' | 'mirror'>

export interface LocalMediaOptions {
  openVidu: OpenViduBrowser
  session: OpenViduBrowserSession
  /** False for the `subscriber` role: OpenVidu refuses to let it publish. */
  canPublish: boolean
  properties: OpenViduPublisherProperties
}

interface Wanted {
  audio: boolean
  video: boolean
}

/**
 * The local camera and microphone as one OpenVidu Publisher. Turning a source on that the publisher
 * lacks replaces it (unpublish, `initPublisherAsync` with both sources, publish); otherwise the toggles
 * are `publishAudio` / `publishVideo` (turning the camera off also releases it). Changes run one at a time.
 */
export class LocalMedia {
  readonly #options: LocalMediaOptions
  readonly #wanted: Wanted = { audio: false, video: false }
  #publisher: OpenViduBrowserPublisher | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #closed = false

  constructor(options: LocalMediaOptions) {
    this.#options = options
  }

  /** Turns sources on or off; resolves once OpenVidu has applied it. */
  set(change: Partial<Wanted>): Promise<void> {
    const run = this.#queue.then(() => this.#apply(change))
    this.#queue = run.catch(() => undefined)
    return run
  }

  /** Forgets the publisher (the session's `disconnect` unpublishes it). */
  close(): void {
    this.#closed = true
    this.#publisher = undefined
  }

  async #apply(change: Partial<Wanted>): Promise<void> {
    if (this.#closed) throw new CallportError('CONNECTION_FAILED', 'The OpenVidu call has ended', { provider: OPENVIDU_PROVIDER })
    const wanted = { ...this.#wanted, ...change }
    if (!this.#options.canPublish && (wanted.audio || wanted.video)) {
      throw new CallportError('FORBIDDEN', 'A participant with the subscriber role cannot publish a camera or microphone', { provider: OPENVIDU_PROVIDER })
    }
    Object.assign(this.#wanted, wanted)
    const publisher = this.#publisher
    if (publisher && (!wanted.audio || publisher.stream.hasAudio) && (!wanted.video || publisher.stream.hasVideo)) {
      await this.#toggle(publisher, wanted)
    } else if (wanted.audio || wanted.video) {
      await this.#replace(publisher, wanted)
    }
  }

  async #toggle(publisher: OpenViduBrowserPublisher, wanted: Wanted): Promise<void> {
    try {
      if (publisher.stream.hasAudio) publisher.publishAudio(wanted.audio)
      if (publisher.stream.hasVideo) await publisher.publishVideo(wanted.video, !wanted.video || undefined)
    } catch (error) {
      throw errorFromOpenViduBrowser(error, 'openvidu-browser could not switch the camera or microphone')
    }
  }

  async #replace(previous: OpenViduBrowserPublisher | undefined, wanted: Wanted): Promise<void> {
    const { openVidu, session, properties } = this.#options
    const audio = wanted.audio || previous?.stream.hasAudio === true
    const video = wanted.video || previous?.stream.hasVideo === true
    try {
      if (previous) {
        this.#publisher = undefined
        await session.unpublish(previous)
      }
      const publisher = await openVidu.initPublisherAsync(undefined, {
        ...properties,
        audioSource: audio ? undefined : false,
        videoSource: video ? undefined : false,
        publishAudio: wanted.audio,
        publishVideo: wanted.video,
      })
      if (this.#closed) return
      await session.publish(publisher)
      this.#publisher = publisher
    } catch (error) {
      throw errorFromOpenViduBrowser(error, 'openvidu-browser could not publish the camera or microphone')
    }
  }
}
