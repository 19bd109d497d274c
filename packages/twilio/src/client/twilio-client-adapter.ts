import { throwIfAborted, type ClientAdapter, type ClientCapabilities, type ConnectOptions, type LocalTrack, type Token } from '@callport/core'
import { loadSettings } from '@callport/provider-utils'
import { defineClientAdapter } from '@callport/provider-utils/client'
import { TwilioConnectParametersSchema } from '../shared/connect-parameters'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { loadTwilioVideo, type TwilioVideoSource } from './load-sdk'
import { TwilioConnection } from './twilio-connection'
import { errorFromTwilioVideo } from './twilio-errors'
import { trackNameOf } from './twilio-local-track'
import type { TwilioConnectOptions, TwilioLocalMediaTrack, TwilioRoom, TwilioVideo } from './twilio-video-types'

/** Options of the Twilio client half (`Source`: the type of `sdk`, which types the connection's `vendor`). */
export interface TwilioClientOptions<Source extends TwilioVideoSource = TwilioVideoSource> {
  /**
   * twilio-video: the module, or a function that imports it, called inside `connect`
   * (`sdk: () => import('twilio-video')`: the app's bundler then splits it out and loads it on the
   * first call). Without it, `globalThis.Twilio.Video` from twilio-video's CDN script is used; with
   * neither, `connect` rejects UNSUPPORTED. The adapter never imports twilio-video itself.
   */
  sdk?: Source
  /**
   * More twilio-video `ConnectOptions` (region, preferredVideoCodecs, bandwidthProfile, logLevel…).
   * `name`, `audio`, `video` and `tracks` come from the token and from `join`. The adapter turns on
   * `dominantSpeaker: true` (active speakers) and `networkQuality: { local: 1, remote: 1 }`
   * (connection quality); set them here to change that (`false` turns those events off).
   */
  connectOptions?: Omit<TwilioConnectOptions, 'name' | 'audio' | 'video' | 'tracks'>
  /** Publish a LocalDataTrack so that `sendData` works. Default true. */
  data?: boolean
}

/** The Room of a twilio-video module type (or of its `default`, as a CommonJS module imported from ESM). */
type RoomOfModule<Module> = Module extends { connect(...args: never[]): PromiseLike<infer Room> }
  ? Room
  : Module extends { default: { connect(...args: never[]): PromiseLike<infer Room> } }
    ? Room
    : TwilioRoom

/**
 * The twilio-video `Room` type of an `sdk` option: with `sdk: () => import('twilio-video')` (or the
 * module itself), twilio-video's own declared `Room`; without it (the CDN global), the structural
 * {@link TwilioRoom} the adapter is written against.
 */
export type TwilioRoomOf<Source> = Source extends () => Promise<infer Module> ? RoomOfModule<Module> : RoomOfModule<Source>

/**
 * The Twilio client adapter; its connections expose the twilio-video Room as `vendor` (and `room`),
 * typed by the `sdk` option: `VendorObjectOf<typeof adapter>` is twilio-video's `Room`.
 */
export interface TwilioClientAdapter<Room = TwilioRoom> extends ClientAdapter {
  readonly provider: typeof TWILIO_PROVIDER
  connect(token: Token, options: ConnectOptions): Promise<TwilioConnection<Room>>
}

/**
 * What the Twilio client half can do, with `data` (the default); with `data: false`, `sendData` is
 * false. Twilio has no mid-call token update: a call outlives its Access Token, which is checked at
 * connect. No `participantUpdates`: a Twilio participant is its identity, with no name or metadata
 * that could change mid-call. No `remoteMute`: the Rooms REST API cannot mute a participant (its
 * Participant resource only takes `Status=disconnected`; PublishedTracks is read-only), so nothing
 * reaches the muted participant.
 */
export const twilioClientCapabilities: ClientCapabilities = {
  media: 'tracks',
  updateToken: false,
  sendData: true,
  trackMuteEvents: true,
  localTracks: true,
  switchDevice: ['camera', 'microphone'],
  screenShare: true,
  screenShareAudio: true,
  activeSpeakers: true,
  connectionQuality: true,
  participantUpdates: false,
  remoteMute: false,
  prepare: true,
}

/** The ConnectOptions the adapter turns on for active speakers and connection quality (the app's connectOptions win). */
const eventOptions = { dominantSpeaker: true, networkQuality: { local: 1, remote: 1 } } as const satisfies TwilioConnectOptions

/**
 * The page's preview tracks (`join({ tracks })`) as twilio-video LocalAudioTrack / LocalVideoTrack,
 * made with the loaded module's own constructors (twilio-video checks `instanceof` when publishing)
 * and named by their source, keyed to the LocalTrack the connection lists for each.
 */
function previewTracks(sdk: TwilioVideo, tracks: readonly LocalTrack[]): Map<TwilioLocalMediaTrack, LocalTrack> {
  const made = new Map<TwilioLocalMediaTrack, LocalTrack>()
  for (const local of tracks) {
    const Track = local.kind === 'video' ? sdk.LocalVideoTrack : sdk.LocalAudioTrack
    made.set(
      new Track(local.mediaStreamTrack, {
        name: trackNameOf(local.source === 'unknown' ? (local.kind === 'video' ? 'camera' : 'microphone') : local.source),
        logLevel: 'warn',
      }),
      local,
    )
  }
  return made
}

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
export function twilio<Source extends TwilioVideoSource = TwilioVideo>(options?: TwilioClientOptions<Source>): TwilioClientAdapter<TwilioRoomOf<Source>> {
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
    async prepare() {
      // Loading twilio-video is all there is to do early: its signaling connection opens in connect.
      await loadTwilioVideo(sdk)
    },
    async connect({ token, parameters }, { signal, audio, video, tracks: handed = [] }) {
      const twilioVideo = await loadTwilioVideo(sdk)
      throwIfAborted(signal)
      const tracks = previewTracks(twilioVideo, handed)
      const kinds = new Set(handed.map((track) => track.kind))
      // With `tracks`, twilio-video ignores audio and video: what join asks for and the page did not hand over is captured here.
      const captured: TwilioLocalMediaTrack[] = []
      try {
        if (tracks.size > 0) {
          if (audio && !kinds.has('audio')) captured.push(await twilioVideo.createLocalAudioTrack({ name: trackNameOf('microphone') }))
          if (video && !kinds.has('video')) captured.push(await twilioVideo.createLocalVideoTrack({ name: trackNameOf('camera') }))
        }
        const options: TwilioConnectOptions = { ...eventOptions, ...connectOptions, name: parameters.roomName, audio, video }
        if (tracks.size > 0) options.tracks = [...tracks.keys(), ...captured]
        const room = await connected(twilioVideo.connect(token.value, options), signal)
        return new TwilioConnection({ sdk: twilioVideo, room, token, data, tracks })
      } catch (error) {
        for (const track of captured) track.stop()
        throw errorFromTwilioVideo(error)
      }
    },
  })
  // The connection's vendor is the Room twilio-video's connect resolved with: the type the sdk option names.
  return adapter as unknown as TwilioClientAdapter<TwilioRoomOf<Source>>
}
