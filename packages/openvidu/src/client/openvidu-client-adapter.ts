import * as z from 'zod/mini'
import { CallportError, readProviderToken, type ClientAdapter, type ClientCapabilities, type ConnectOptions, type Token } from '@callport/core'
import { loadSettings, parseInput } from '@callport/provider-utils'
import { defineClientAdapter } from '@callport/provider-utils/client'
import { OpenViduConnectParametersSchema, type OpenViduConnectParameters } from '../shared/connect-parameters'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { isOpenViduBrowserSource, loadOpenViduBrowser, type OpenViduBrowserGlobals, type OpenViduBrowserSource } from './load-sdk'
import type { OpenViduPublisherProperties } from './local-media'
import type { OpenViduBrowserConstructor } from './openvidu-browser-types'
import { OpenViduConnection } from './openvidu-connection'
import { isStaleTokenJoinFailure } from './openvidu-reasons'

/** Options of `openvidu(options)` from `@callport/openvidu/client`. */
export interface OpenViduClientOptions {
  /**
   * openvidu-browser: a function that imports it (`sdk: () => import('openvidu-browser')`, called on
   * the first join, so the app's bundler splits it out), the module, or its `OpenVidu` class. Without
   * it, `globalThis.OpenVidu` from openvidu-browser's browser build on the page is used; with neither,
   * `connect` rejects UNSUPPORTED. The adapter never imports openvidu-browser itself.
   */
  sdk?: OpenViduBrowserSource
  /** @deprecated The old name of `sdk`. */
  OpenVidu?: OpenViduBrowserConstructor
  /** Calls `enableProdMode()`, which keeps openvidu-browser's console logging to errors. Default false. */
  productionMode?: boolean
  /**
   * Camera and publishing settings: `resolution` (`"640x480"`) and `frameRate` are asked of the camera
   * when the adapter captures it (ideal values), and passed to `initPublisherAsync` with `mirror`.
   */
  publisher?: OpenViduPublisherProperties
  /**
   * Your deployment is OpenVidu Pro or Enterprise with network quality on
   * (`OPENVIDU_PRO_NETWORK_QUALITY=true`): the adapter relays openvidu-browser's
   * `networkQualityLevelChanged` as `connection-quality-changed` and declares
   * `capabilities.connectionQuality`. OpenVidu CE never sends that event. Default false.
   */
  networkQuality?: boolean
}

/** The OpenVidu client adapter. Its connections' `vendor` is the openvidu-browser `Session` (`VendorObjectOf<OpenViduClientAdapter>`). */
export interface OpenViduClientAdapter extends ClientAdapter {
  readonly provider: typeof OPENVIDU_PROVIDER
  connect(token: Token, options: ConnectOptions): Promise<OpenViduConnection>
}

/**
 * What the OpenVidu client adapter can do: tracks to attach, no token update mid-call (OpenVidu has
 * none), data through signals, remote mutes from `streamPropertyChanged`, the page's preview
 * published (`localTracks`), camera and microphone switched with `replaceTrack`, active speakers
 * from `publisherStartSpeaking` / `publisherStopSpeaking`, the SDK loaded ahead (`prepare`).
 * `connectionQuality` only with the `networkQuality` option (OpenVidu Pro). Screen share,
 * participant updates and remote mute are absent: docs/providers/openvidu.md says why.
 */
export const openViduClientCapabilities = {
  media: 'tracks',
  updateToken: false,
  sendData: true,
  trackMuteEvents: true,
  localTracks: true,
  switchDevice: ['camera', 'microphone'],
  activeSpeakers: true,
  prepare: true,
} as const satisfies ClientCapabilities

const knownOptions = ['sdk', 'OpenVidu', 'productionMode', 'publisher', 'networkQuality'] as const satisfies readonly (keyof OpenViduClientOptions)[]

const OptionsSchema = z.object({
  sdk: z.optional(z.custom<OpenViduBrowserSource>(isOpenViduBrowserSource, 'must be openvidu-browser (its OpenVidu class, the module, or a function that imports it)')),
  OpenVidu: z.optional(z.custom<OpenViduBrowserConstructor>((value) => typeof value === 'function', "must be openvidu-browser's OpenVidu class")),
  productionMode: z.optional(z.boolean()),
  publisher: z.optional(
    z.strictObject({
      resolution: z.optional(z.string().check(z.regex(/^\d+x\d+$/, 'publisher.resolution must look like "640x480"'))),
      frameRate: z.optional(z.number().check(z.positive())),
      mirror: z.optional(z.boolean()),
    }),
  ),
  networkQuality: z.optional(z.boolean()),
})

/** openvidu-browser connects with the token string OpenVidu issued: `ws(s)://<host>?sessionId=…&token=tok_…`. */
const OPENVIDU_TOKEN = /^wss?:\/\/[^?]+\?/

function checkTokenValue(value: string): void {
  if (!OPENVIDU_TOKEN.test(value)) {
    throw new CallportError('INVALID_INPUT', 'token.value must be an OpenVidu token (wss://…?sessionId=…&token=…)', { provider: OPENVIDU_PROVIDER })
  }
}

/** The adapter, with the globals where openvidu-browser's CDN build is looked for replaceable (tests). */
export function createOpenViduClientAdapter(options?: OpenViduClientOptions, globals?: OpenViduBrowserGlobals): OpenViduClientAdapter {
  const loaded = loadSettings(options, { provider: OPENVIDU_PROVIDER, subject: 'OpenVidu client options', known: knownOptions })
  const settings = parseInput(OptionsSchema, loaded, { subject: 'Invalid OpenVidu client options', provider: OPENVIDU_PROVIDER })
  if (settings.sdk && settings.OpenVidu && settings.sdk !== settings.OpenVidu) {
    throw new CallportError('INVALID_INPUT', 'Invalid OpenVidu client options: give the OpenVidu class as sdk only (OpenVidu is its deprecated name)', {
      provider: OPENVIDU_PROVIDER,
    })
  }
  const injected = settings.sdk ?? settings.OpenVidu

  const adapter = defineClientAdapter({
    provider: OPENVIDU_PROVIDER,
    vendor: 'OpenVidu',
    capabilities: settings.networkQuality ? { ...openViduClientCapabilities, connectionQuality: true } : openViduClientCapabilities,
    connectSchema: OpenViduConnectParametersSchema,
    // openvidu-browser opens its WebSocket only to join (the token is the join), so there is nothing
    // to open early for a token: loading the SDK is the head start, with or without one.
    async prepare() {
      await loadOpenViduBrowser(injected, globals)
    },
    async connect({ token, parameters }, connectOptions) {
      checkTokenValue(token.value)
      const OpenVidu = await loadOpenViduBrowser(injected, globals)
      const join = async (value: string, identity: string, connect: OpenViduConnectParameters): Promise<OpenViduConnection> => {
        const openVidu = new OpenVidu()
        if (settings.productionMode) openVidu.enableProdMode()
        const connection = new OpenViduConnection({
          openVidu,
          session: openVidu.initSession(),
          token: value,
          identity,
          connect,
          publisher: settings.publisher ?? {},
          tracks: connectOptions.tracks ?? [],
          networkQuality: settings.networkQuality === true,
        })
        // The signal also stops the join before publishing: nothing is published for a join given up.
        await connection.open({ audio: connectOptions.audio, video: connectOptions.video }, connectOptions.signal)
        return connection
      }
      try {
        return await join(token.value, token.identity, parameters)
      } catch (error) {
        // An OpenVidu token is a pending connection of one session and dies with it: a token fetched
        // before the session closed (its last participant left) is refused. Fetch a fresh one, once.
        if (!isStaleTokenJoinFailure(error) || connectOptions.signal?.aborted) throw error
        let fresh: { token: { value: string; identity: string }; parameters: OpenViduConnectParameters }
        try {
          fresh = readProviderToken(await connectOptions.refreshToken(), { id: OPENVIDU_PROVIDER, name: 'OpenVidu', connectSchema: OpenViduConnectParametersSchema })
          checkTokenValue(fresh.token.value)
        } catch {
          // No fresh OpenVidu token (the room moved to another provider, the app refused): the first failure stands.
          throw error
        }
        return await join(fresh.token.value, fresh.token.identity, fresh.parameters)
      }
    },
  })
  return Object.assign(adapter, { provider: OPENVIDU_PROVIDER })
}

/**
 * The OpenVidu 2 client adapter for `createSession({ adapters: [openvidu({ sdk: () => import('openvidu-browser') })] })`.
 * openvidu-browser (an optional peer dependency) comes from `sdk` on the first join, else from the
 * page's `window.OpenVidu` (its CDN build). Remote cameras and microphones arrive as `track-subscribed`.
 */
export function openvidu(options?: OpenViduClientOptions): OpenViduClientAdapter {
  return createOpenViduClientAdapter(options)
}
