import { CallportError, throwIfAborted, type ClientAdapter, type ClientCapabilities, type ConnectOptions, type Token } from '@callport/core'
import { loadSettings } from '@callport/provider-utils'
import { defineClientAdapter, iceServersOf } from '@callport/provider-utils/client'
import * as z from 'zod/mini'
import { ICE_SERVERS_PARAMETER, NAME_PARAMETER, splitJanusTokenValue } from '../shared/connect-parameters'
import { JANUS_PROVIDER } from '../shared/provider-id'
import { JanusConnection } from './janus-connection'
import { loadJanusJs, type JanusJsSource, type WebRtcAdapterSource } from './load-sdk'

/** What a Janus token carries in `token.connect` (written by the server half, JanusConnectParameters). */
const JanusConnectParametersSchema = z.object({
  url: z.string().check(z.regex(/^(?:https?|wss?):\/\//i, 'an http(s):// or ws(s):// URL')),
  room: z.number().check(z.int(), z.positive()),
  publish: z.boolean(),
  [ICE_SERVERS_PARAMETER]: z.optional(z.string()),
  /** The participant's display name (the server half puts it there when the participant has one). */
  [NAME_PARAMETER]: z.optional(z.string()),
})

/** Options of the Janus client half. */
export interface JanusClientOptions {
  /**
   * janus.js: the `janus-gateway` module, or a function that imports it, called on the first
   * `connect` (`sdk: () => import('janus-gateway')`). Without it, `globalThis.Janus` from janus.js's
   * script is used; with neither, `connect` rejects UNSUPPORTED. The adapter never imports it itself.
   */
  sdk?: JanusJsSource
  /** webrtc-adapter, which janus.js needs: the module or a loader (`() => import('webrtc-adapter')`); default `globalThis.adapter`. */
  webrtcAdapter?: WebRtcAdapterSource
  /** ICE servers besides the token's (a STUN server of your own). janus.js's default public STUN server is never used. */
  iceServers?: RTCIceServer[]
}

/**
 * What the Janus client half can do, each proved against Debian's Janus with Chromium pages
 * (test/browser/call-surface.test.ts) and by the client conformance suite:
 *
 * - `localTracks`: the adapter captures the camera and microphone (or publishes the page's tracks,
 *   which it never stops) and lists them; a camera or microphone turned off stays published,
 *   disabled (janus.js's mute); one turned on later is added with a renegotiation (VideoRoom `configure`).
 * - `screenShare`, `screenShareAudio`: a screen (and its audio) is a second VideoRoom publisher of the
 *   same participant, display source `screen`; the others receive `screen` / `screen-audio` tracks.
 * - `activeSpeakers`: VideoRoom's `talking` / `stopped-talking` events (rooms are created with
 *   `audiolevel_event`), the local participant included; level = `(127 − audio-level-dBov-avg) / 127`
 *   (RFC 6464 dBov: 0 loudest, 127 silence). A subscriber-only page, which Janus does not tell, measures
 *   the audio it receives (getSynchronizationSources / getStats).
 * - `remoteMute`: the server half's `muteParticipant` (VideoRoom `moderate` on this page's mid) gives
 *   `muted-by-moderator`, and the page's track is disabled. VideoRoom keeps relaying nothing of a
 *   moderated stream, so turning it on again publishes the track again as a new stream (renegotiation):
 *   the others get `track-unsubscribed` for the old one and `track-subscribed` for the new one.
 * - `connectionQuality`: getStats of the publisher and subscriber peer connections (the local
 *   participant: the better of them; a remote one: the subscriber connection's streams of theirs).
 * - `switchDevice` (`camera`, `microphone`): a capture from the chosen device replaces the sent track
 *   (janus.js `replaceTracks`, no renegotiation); a device unplugged mid-call is replaced by the default one.
 *
 * - `trackMuteEvents`: a camera or microphone a page turns off stays published, disabled, and the page
 *   gives its VideoRoom stream the description `callport:muted` (`callport:live` when on again; an
 *   SDP-less `configure`), which VideoRoom announces to the room's publishers; with VideoRoom's
 *   moderation events (sent to every publisher) the others' pages emit `track-muted` / `track-unmuted`
 *   of the same track. A subscriber-only page, which VideoRoom tells nothing, reads the streams and
 *   their mute state each page lists in its VideoRoom display (`listparticipants`, every 2 s); a
 *   moderator's mute does not reach it.
 * - `prepare`: loads janus.js and webrtc-adapter (and runs `Janus.init`) before the join, so the
 *   click only opens the Janus session.
 *
 * Not offered: `updateToken` (janus.js cannot change a session's token; a lost or expired session
 * ends the call as `connection-lost` and the session joins again with a fresh token), `sendData`,
 * `participantUpdates`.
 */
export const janusClientCapabilities: ClientCapabilities = {
  media: 'tracks',
  updateToken: false,
  sendData: false,
  localTracks: true,
  screenShare: true,
  screenShareAudio: true,
  activeSpeakers: true,
  remoteMute: true,
  connectionQuality: true,
  switchDevice: ['camera', 'microphone'],
  prepare: true,
  trackMuteEvents: true,
}

export interface JanusClientAdapter extends ClientAdapter {
  readonly provider: typeof JANUS_PROVIDER
  connect(token: Token, options: ConnectOptions): Promise<JanusConnection>
}

/** The Janus client half: janus.js (lazily, from `sdk` or the global) on Janus's VideoRoom. */
export function janus(options?: JanusClientOptions): JanusClientAdapter {
  const {
    sdk,
    webrtcAdapter,
    iceServers = [],
  } = loadSettings(options, {
    provider: JANUS_PROVIDER,
    subject: 'Janus client options',
    known: ['sdk', 'webrtcAdapter', 'iceServers'],
  })
  const adapter = defineClientAdapter({
    provider: JANUS_PROVIDER,
    vendor: 'Janus',
    capabilities: janusClientCapabilities,
    connectSchema: JanusConnectParametersSchema,
    async prepare() {
      await loadJanusJs({ sdk, webrtcAdapter })
    },
    async connect({ token, parameters }, { signal, audio, video, tracks = [] }) {
      const parts = splitJanusTokenValue(token.value)
      if (!parts) throw new CallportError('INVALID_INPUT', 'A Janus token value holds the core token and the room token, separated by a space', { provider: JANUS_PROVIDER })
      const fromToken = iceServersOf(token)
      const { Janus } = await loadJanusJs({ sdk, webrtcAdapter })
      throwIfAborted(signal)
      return JanusConnection.open({
        Janus,
        server: parameters.url,
        coreToken: parts.core,
        roomToken: parts.room,
        room: parameters.room,
        local: {
          identity: token.identity,
          role: parameters.publish ? 'publisher' : 'subscriber',
          ...(parameters[NAME_PARAMETER] === undefined ? {} : { name: parameters[NAME_PARAMETER] }),
        },
        publish: parameters.publish,
        iceServers: [...iceServers, ...fromToken],
        audio,
        video,
        tracks,
      })
    },
  })
  return adapter as JanusClientAdapter
}
