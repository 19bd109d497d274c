import { throwIfAborted, type ClientAdapter, type ClientCapabilities, type ConnectOptions, type Token } from '@callport/core'
import { loadSettings } from '@callport/provider-utils'
import { defineClientAdapter } from '@callport/provider-utils/client'
import { TwilioConnectParametersSchema } from '../shared/connect-parameters'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { loadTwilioVideo, type TwilioVideoSource } from './load-sdk'
import { TwilioConnection } from './twilio-connection'
import { errorFromTwilioVideo } from './twilio-errors'
import type { TwilioConnectOptions, TwilioRoom } from './twilio-video-types'

/** Options of the Twilio client half. */
export interface TwilioClientOptions {
  /**
   * twilio-video: the module, or a function that imports it, called inside `connect`
   * (`sdk: () => import('twilio-video')`: the app's bundler then splits it out and loads it on the
   * first call). Without it, `globalThis.Twilio.Video` from twilio-video's CDN script is used; with
   * neither, `connect` rejects UNSUPPORTED. The adapter never imports twilio-video itself.
   */
  sdk?: TwilioVideoSource
  /**
   * More twilio-video `ConnectOptions` (region, preferredVideoCodecs, bandwidthProfile,
   * dominantSpeaker, networkQuality, logLevel…). `name`, `audio` and `video` come from the token and
   * from `join`.
   */
  connectOptions?: Omit<TwilioConnectOptions, 'name' | 'audio' | 'video'>
  /** Publish a LocalDataTrack so that `sendData` works. Default true. */
  data?: boolean
}

/** The Twilio client adapter; its connections expose the twilio-video Room as `room`. */
export interface TwilioClientAdapter extends ClientAdapter {
  readonly provider: typeof TWILIO_PROVIDER
  connect(token: Token, options: ConnectOptions): Promise<TwilioConnection>
}

/**
 * What the Twilio client half can do, with `data` (the default); with `data: false`, `sendData` is
 * false. Twilio has no mid-call token update: a call outlives its Access Token, which is checked at connect.
 */
export const twilioClientCapabilities: ClientCapabilities = { media: 'tracks', updateToken: false, sendData: true, trackMuteEvents: true }

/** Waits for twilio-video's `connect`; an abort cancels its CancelablePromise, so no Room is made. */
async function connected(connecting: Promise<TwilioRoom> & { cancel?: () => void }, signal: AbortSignal | undefined): Promise<TwilioRoom> {
  const cancel = () => connecting.cancel?.()
  signal?.addEventListener('abort', cancel, { once: true })
  try {
    return await connecting
  } catch (error) {
    throw errorFromTwilioVideo(error)
  } finally {
    signal?.removeEventListener('abort', cancel)
  }
}

/**
 * The Twilio Programmable Video client half: takes twilio-video from `sdk` (or the CDN global) inside `connect`, then
 * `connect(token.value, { name, audio, video })` and maps the Room's events to Callport's.
 */
export function twilio(options?: TwilioClientOptions): TwilioClientAdapter {
  const {
    sdk,
    connectOptions,
    data = true,
  } = loadSettings(options, {
    provider: TWILIO_PROVIDER,
    subject: 'Twilio client options',
    known: ['sdk', 'connectOptions', 'data'],
  })
  const adapter = defineClientAdapter({
    provider: TWILIO_PROVIDER,
    vendor: 'Twilio',
    capabilities: { ...twilioClientCapabilities, sendData: data },
    connectSchema: TwilioConnectParametersSchema,
    async connect({ token, parameters }, { signal, audio, video }) {
      const twilioVideo = await loadTwilioVideo(sdk)
      throwIfAborted(signal)
      const room = await connected(twilioVideo.connect(token.value, { ...connectOptions, name: parameters.roomName, audio, video }), signal)
      return new TwilioConnection({ sdk: twilioVideo, room, token, data })
    },
  })
  return adapter as typeof adapter & { provider: typeof TWILIO_PROVIDER }
}
