import { throwIfAborted, type ClientAdapter, type ClientCapabilities, type ConnectOptions, type Token } from '@callport/core'
import { loadSettings } from '@callport/provider-utils'
import { defineClientAdapter } from '@callport/provider-utils/client'
import * as z from 'zod/mini'
import { LIVEKIT_PROVIDER } from '../shared/provider-id'
import { loadLiveKitClient, type LiveKitClientSource } from './load-sdk'
import type { LiveKitClientModule, LiveKitRoom, LiveKitRoomConnectOptions, LiveKitRoomOptions } from './livekit-client-types'
import { LiveKitConnection } from './livekit-connection'
import { errorFromLiveKit } from './livekit-errors'

/** What a LiveKit token carries in `token.connect` (written by the server half): the ws(s) URL `Room.connect` takes. */
const LiveKitConnectParametersSchema = z.object({
  url: z.string().check(z.regex(/^wss?:\/\//i, 'a ws:// or wss:// URL')),
})

/** Options of the LiveKit client half (`Source`: the type of `sdk`, which types the connection's `vendor`). */
export interface LiveKitClientOptions<Source extends LiveKitClientSource = LiveKitClientSource> {
  /**
   * livekit-client: the module, or a function that imports it, called on the first `prepare` or
   * `connect` (`sdk: () => import('livekit-client')`: the app's bundler then splits it out and loads
   * it on the first call). Without it, `globalThis.LivekitClient` from livekit-client's UMD script is
   * used; with neither, `connect` rejects UNSUPPORTED. The adapter never imports livekit-client itself.
   */
  sdk?: Source
  /**
   * livekit-client `RoomOptions` for `new Room(…)` (adaptiveStream, dynacast, publishDefaults,
   * videoCaptureDefaults…). `stopLocalTrackOnUnpublish` is always false: the adapter decides which
   * tracks to stop (its own captures, never the page's).
   */
  roomOptions?: LiveKitRoomOptions
  /** livekit-client `RoomConnectOptions` for `room.connect(url, token, …)` (autoSubscribe, maxRetries, rtcConfig…). */
  connectOptions?: LiveKitRoomConnectOptions
  /**
   * A data packet topic: `sendData` sends with it and only packets with it are received (other
   * packets of the room, such as an agent's, are left alone). Default: no topic, every packet received.
   */
  dataTopic?: string
}

/** The Room of a livekit-client module type (or of its `default`, as a CommonJS module imported from ESM). */
type RoomOfModule<Module> = Module extends { Room: abstract new (...args: never[]) => infer Room }
  ? Room
  : Module extends { default: { Room: abstract new (...args: never[]) => infer Room } }
    ? Room
    : LiveKitRoom

/**
 * The livekit-client `Room` type of an `sdk` option: with `sdk: () => import('livekit-client')` (or
 * the module itself), livekit-client's own declared `Room`; without it (the UMD global), the
 * structural {@link LiveKitRoom} the adapter is written against.
 */
export type LiveKitRoomOf<Source> = Source extends () => Promise<infer Module> ? RoomOfModule<Module> : RoomOfModule<Source>

/**
 * The LiveKit client adapter; its connections expose the livekit-client Room as `vendor` (and
 * `room`), typed by the `sdk` option: `VendorObjectOf<typeof adapter>` is livekit-client's `Room`.
 */
export interface LiveKitClientAdapter<Room = LiveKitRoom> extends ClientAdapter {
  readonly provider: typeof LIVEKIT_PROVIDER
  connect(token: Token, options: ConnectOptions): Promise<LiveKitConnection<Room>>
  prepare(token: Token | undefined, options?: { signal?: AbortSignal }): Promise<void>
}

/**
 * What the LiveKit client half can do.
 *
 * `updateToken` is false because LiveKit refreshes the token itself: while a participant is
 * connected, the LiveKit server periodically sends a fresh token with the same grants over the
 * signal connection (the `refreshToken` signal message), and livekit-client uses the newest one
 * for its own resumes and reconnections. livekit-client has no public API to hand it a token, and
 * needs none. Callport's session still refreshes the token before it expires (its token source,
 * `token-refreshed`) and keeps the fresh one for the next join: a rejoin after the call dropped for
 * good (`connection-lost`, `server-shutdown`), or the next call. A LiveKit call therefore outlives
 * the token it joined with: the token's lifetime only bounds when a join with it may start.
 *
 * `sendData` sends reliable data packets (`to` → `destinationIdentities`), with the `dataTopic`
 * option's topic; `activeSpeakers` is LiveKit's speaker detection with its `audioLevel`;
 * `connectionQuality` is LiveKit's own quality report (`unknown` gives no event);
 * `participantUpdates` covers name, metadata, attributes and role (a grant that stops or allows publishing); `remoteMute` is a mute the page did
 * not ask for (RoomService MutePublishedTrack). `prepare(token)` makes the Room and runs
 * `prepareConnection` (region and DNS/TLS warm-up), and the next `connect` with that token uses that Room.
 */
export const liveKitClientCapabilities: ClientCapabilities = {
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
  participantUpdates: true,
  remoteMute: true,
  prepare: true,
}

/**
 * The LiveKit client half (LiveKit Cloud, self-hosted LiveKit, OpenVidu 3): takes livekit-client
 * from `sdk` (or the UMD global) on the first `prepare` / `connect`, joins with
 * `room.connect(token.connect.url, token.value)`, publishes the page's tracks (or lets
 * livekit-client capture), and maps the Room's events to Callport's.
 */
export function livekit<Source extends LiveKitClientSource = LiveKitClientModule>(options?: LiveKitClientOptions<Source>): LiveKitClientAdapter<LiveKitRoomOf<Source>> {
  const { sdk, roomOptions, connectOptions, dataTopic } = loadSettings(options, {
    provider: LIVEKIT_PROVIDER,
    subject: 'LiveKit client options',
    known: ['sdk', 'roomOptions', 'connectOptions', 'dataTopic'],
  })
  const makeRoom = (module: LiveKitClientModule): LiveKitRoom => new module.Room({ ...roomOptions, stopLocalTrackOnUnpublish: false })
  /** The Room `prepare(token)` made, for the next connect with that token. */
  let prepared: { token: string; room: LiveKitRoom } | undefined
  const adapter = defineClientAdapter({
    provider: LIVEKIT_PROVIDER,
    vendor: 'LiveKit',
    capabilities: liveKitClientCapabilities,
    connectSchema: LiveKitConnectParametersSchema,
    async prepare(request) {
      const module = await loadLiveKitClient(sdk)
      if (!request || prepared?.token === request.token.value) return
      const room = makeRoom(module)
      prepared = { token: request.token.value, room }
      // A failed warm-up is only a missed head start: the Room still connects.
      await room.prepareConnection(request.parameters.url, request.token.value).catch(() => undefined)
    },
    async connect({ token, parameters }, { signal, audio, video, tracks = [] }) {
      const module = await loadLiveKitClient(sdk)
      throwIfAborted(signal)
      let room: LiveKitRoom
      if (prepared?.token === token.value) {
        room = prepared.room
        prepared = undefined
      } else room = makeRoom(module)
      const abort = () => void room.disconnect(false).catch(() => undefined)
      signal?.addEventListener('abort', abort, { once: true })
      let connection: LiveKitConnection | undefined
      try {
        try {
          await room.connect(parameters.url, token.value, connectOptions)
        } catch (error) {
          throw errorFromLiveKit(error)
        }
        throwIfAborted(signal)
        connection = new LiveKitConnection({ room, token, ...(dataTopic === undefined ? {} : { dataTopic }) })
        await connection.publishJoin({ audio, video, tracks })
        return connection
      } catch (error) {
        if (connection) await connection.disconnect().catch(() => undefined)
        else await room.disconnect(false).catch(() => undefined)
        throw error
      } finally {
        signal?.removeEventListener('abort', abort)
      }
    },
  })
  // The connection's vendor is the Room made with the sdk option's Room class: the type that option names.
  return adapter as unknown as LiveKitClientAdapter<LiveKitRoomOf<Source>>
}
