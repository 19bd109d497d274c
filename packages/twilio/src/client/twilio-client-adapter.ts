import {
  CallportError,
  specificationVersion,
  throwIfAborted,
  readProviderToken,
  type ClientAdapter,
  type ClientCapabilities,
  type ConnectOptions,
  type Token,
} from '@callport/core'
import { TwilioConnectParametersSchema } from '../shared/connect-parameters'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { loadTwilioVideo, type TwilioVideoSource } from './load-sdk'
import { TwilioConnection } from './twilio-connection'
import { errorFromTwilioVideo } from './twilio-errors'
import type { TwilioConnectOptions, TwilioRoom } from './twilio-video-types'

/** Options of the Twilio client half. */
export interface TwilioClientOptions {
  /**
   * twilio-video: the module, or a function that imports it. Default: `import('twilio-video')`
   * (an optional peer dependency), inside `connect`.
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
  connect(token: Token, options: ConnectOptions): Promise<TwilioConnection>
}

/** Twilio has no mid-call token update: a call outlives its Access Token, which is checked at connect. */
export function twilioClientCapabilities(data: boolean): ClientCapabilities {
  return { media: 'tracks', updateToken: false, sendData: data }
}

function readToken(token: Token) {
  return readProviderToken(token, { id: TWILIO_PROVIDER, name: 'Twilio', connectSchema: TwilioConnectParametersSchema })
}

function aborted(signal: AbortSignal): CallportError {
  return new CallportError('ABORTED', 'The join was aborted', { provider: TWILIO_PROVIDER, cause: signal.reason })
}

/**
 * Waits for twilio-video's `connect`. An abort cancels it (its CancelablePromise) and rejects at once;
 * a Room that arrives after the abort is disconnected.
 */
function connected(connecting: Promise<TwilioRoom> & { cancel?: () => void }, signal: AbortSignal | undefined): Promise<TwilioRoom> {
  if (!signal) return connecting.catch((error: unknown) => Promise.reject(errorFromTwilioVideo(error)))
  return new Promise<TwilioRoom>((resolve, reject) => {
    const onAbort = () => {
      connecting.cancel?.()
      reject(aborted(signal))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    connecting.then(
      (room) => {
        signal.removeEventListener('abort', onAbort)
        if (signal.aborted) {
          room.disconnect()
          reject(aborted(signal))
        } else resolve(room)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(signal.aborted ? aborted(signal) : errorFromTwilioVideo(error))
      },
    )
  })
}

/**
 * The Twilio Programmable Video client half: loads twilio-video lazily inside `connect`, then
 * `connect(token.value, { name, audio, video })` and maps the Room's events to Callport's.
 */
export function twilio(options: TwilioClientOptions = {}): TwilioClientAdapter {
  const data = options.data !== false
  return {
    specificationVersion,
    provider: TWILIO_PROVIDER,
    capabilities: twilioClientCapabilities(data),

    async connect(input: Token, connectOptions: ConnectOptions): Promise<TwilioConnection> {
      const { token, parameters } = readToken(input)
      const { signal } = connectOptions
      throwIfAborted(signal)
      const sdk = await loadTwilioVideo(options.sdk)
      throwIfAborted(signal)
      const room = await connected(
        sdk.connect(token.value, { ...options.connectOptions, name: parameters.roomName, audio: connectOptions.audio, video: connectOptions.video }),
        signal,
      )
      return new TwilioConnection({ sdk, room, token, data })
    },
  }
}
