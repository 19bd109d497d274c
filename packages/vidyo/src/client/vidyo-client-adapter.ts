import { CallportError, type ClientAdapter, type ClientCapabilities, type ConnectOptions, type Token } from '@callport/core'
import { loadSettings, parseInput, raceAbort } from '@callport/provider-utils'
import { defineClientAdapter } from '@callport/provider-utils/client'
import * as z from 'zod/mini'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import { createConnectorPool } from './connector-pool'
import { DEFAULT_LOAD_TIMEOUT_MILLISECONDS, DEFAULT_VIDYO_CLIENT_SCRIPT_URL, loadVidyoClient, type LoaderHost } from './load-sdk'
import type { VidyoClient, VidyoConnector, VidyoConnectorViewStyle } from './vidyo-client-types'
import { VidyoConnection, type VidyoParticipantCallbacks } from './vidyo-connection'

/** Options of `vidyo(options)` from `@callport/vidyo/client`. */
export interface VidyoClientOptions extends VidyoParticipantCallbacks {
  /** A ready VidyoClient (the global `VC`); when given, no script is loaded. */
  sdk?: VidyoClient
  /** @deprecated Use `sdk`: the same ready VidyoClient (the global `VC`). */
  vidyoClient?: VidyoClient
  /** Where VidyoClient.js is loaded from, lazily, on the first `connect`. */
  scriptUrl?: string
  /** How long to wait for VidyoClient.js to report READY, in milliseconds. Default 30 000. */
  loadTimeoutMilliseconds?: number
  /** Layout of the composited view. Default `VIDYO_CONNECTORVIEWSTYLE_Default`. */
  viewStyle?: VidyoConnectorViewStyle
  /** Most remote participants the view shows. Default 8. */
  remoteParticipants?: number
  /** VidyoClient log filter. Default `warning`. */
  logFileFilter?: string
}

/** The Vidyo.io client adapter. Its connections' `vendor` is the VidyoConnector (`VendorObjectOf<VidyoClientAdapter>`). */
export interface VidyoClientAdapter extends ClientAdapter {
  readonly provider: typeof VIDYO_PROVIDER
  connect(token: Token, options: ConnectOptions): Promise<VidyoConnection>
}

/**
 * What the Vidyo.io client adapter can do: VidyoConnector renders the call itself (join with
 * `{ container }`); a token is checked only when connecting, so there is nothing to replace
 * mid-call; data messages are not implemented. Camera, microphone and speaker are switched with
 * VidyoConnector's `SelectLocal…` methods. The rest of the call surface is absent
 * (docs/providers/vidyo.md says why for each; `activeSpeakers` among them: `onLoudestChanged` names
 * the loudest participant but never reports silence).
 */
export const vidyoClientCapabilities = {
  media: 'view',
  updateToken: false,
  sendData: false,
  switchDevice: ['camera', 'microphone', 'speaker'],
} as const satisfies ClientCapabilities

const known = [
  'sdk',
  'vidyoClient',
  'scriptUrl',
  'loadTimeoutMilliseconds',
  'viewStyle',
  'remoteParticipants',
  'logFileFilter',
  'onLoudestParticipantChanged',
  'onDynamicParticipantsChanged',
] as const satisfies readonly (keyof VidyoClientOptions)[]

const callback = <Callback>(name: string) => z.optional(z.custom<Callback>((value) => typeof value === 'function', `${name} must be a function`))
const sdkSchema = (name: string) =>
  z.optional(
    z.custom<VidyoClient>(
      // An object (VidyoClient.js 4.1's VC) or a class (what `new VidyoClientLib.VidyoClient('', cb)` returns).
      (value) => (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as Partial<VidyoClient>).CreateVidyoConnector === 'function',
      `${name} must be a ready VidyoClient (the global VC), with CreateVidyoConnector`,
    ),
  )

const OptionsSchema = z
  .object({
    sdk: sdkSchema('sdk'),
    vidyoClient: sdkSchema('vidyoClient'),
    scriptUrl: z.optional(z.string().check(z.minLength(1))),
    loadTimeoutMilliseconds: z.optional(z.int().check(z.positive())),
    viewStyle: z.optional(z.enum(['VIDYO_CONNECTORVIEWSTYLE_Default', 'VIDYO_CONNECTORVIEWSTYLE_Tiles'])),
    remoteParticipants: z.optional(z.int().check(z.minimum(0), z.maximum(64))),
    logFileFilter: z.optional(z.string()),
    onLoudestParticipantChanged: callback<VidyoParticipantCallbacks['onLoudestParticipantChanged']>('onLoudestParticipantChanged'),
    onDynamicParticipantsChanged: callback<VidyoParticipantCallbacks['onDynamicParticipantsChanged']>('onDynamicParticipantsChanged'),
  })
  .check(
    z.refine((options) => options.sdk === undefined || options.vidyoClient === undefined, {
      message: 'give the VidyoClient as sdk only (vidyoClient is its deprecated name)',
      path: ['vidyoClient'],
    }),
  )

/** The token's connection parameters, as the server half writes them. */
const ConnectSchema = z.looseObject({
  host: z.string().check(z.minLength(1, 'connect.host is missing')),
  resourceId: z.string().check(z.regex(/^[A-Za-z0-9]+$/, 'connect.resourceId must be alphanumeric')),
  displayName: z.optional(z.string()),
})

let viewIds = 0

/** The container, given an id if it has none (VidyoConnector finds the element it renders into by id). */
function viewOf(container: HTMLElement | undefined): HTMLElement {
  if (container === undefined || container === null) {
    throw new CallportError('INVALID_INPUT', 'Vidyo renders its own view: pass the element to render into as `container` when joining', {
      provider: VIDYO_PROVIDER,
    })
  }
  if (!container.id) {
    viewIds += 1
    container.id = `callport-vidyo-view-${viewIds}-${Math.random().toString(36).slice(2, 8)}`
  }
  return container
}

/** `vidyo(options)`, with the page the SDK loads into replaceable (tests). */
export function createVidyoClientAdapter(options: VidyoClientOptions = {}, loaderHost?: LoaderHost): VidyoClientAdapter {
  const loaded = loadSettings(options, { provider: VIDYO_PROVIDER, subject: 'Vidyo client options', known })
  const settings = parseInput(OptionsSchema, loaded, { subject: 'Vidyo client options', provider: VIDYO_PROVIDER })
  const givenSdk = settings.sdk ?? settings.vidyoClient
  const connectors = createConnectorPool()

  const adapter = defineClientAdapter({
    provider: VIDYO_PROVIDER,
    vendor: 'Vidyo',
    capabilities: vidyoClientCapabilities,
    connectSchema: ConnectSchema,
    async connect({ token, parameters }, connectOptions: ConnectOptions) {
      const container = viewOf(connectOptions.container)
      const { signal } = connectOptions
      const sdk =
        givenSdk ??
        (await loadVidyoClient(
          {
            scriptUrl: settings.scriptUrl ?? DEFAULT_VIDYO_CLIENT_SCRIPT_URL,
            timeoutMilliseconds: settings.loadTimeoutMilliseconds ?? DEFAULT_LOAD_TIMEOUT_MILLISECONDS,
            signal,
          },
          loaderHost,
        ))
      const createConnector = (): Promise<VidyoConnector> =>
        sdk
          .CreateVidyoConnector({
            viewId: container.id,
            viewStyle: settings.viewStyle ?? 'VIDYO_CONNECTORVIEWSTYLE_Default',
            remoteParticipants: settings.remoteParticipants ?? 8,
            logFileFilter: settings.logFileFilter ?? 'warning',
            logFileName: '',
            userData: '',
          })
          .catch((error: unknown) => {
            throw new CallportError('CONNECTION_FAILED', 'VidyoClient could not create a VidyoConnector', { provider: VIDYO_PROVIDER, cause: error })
          })
      const pooled = await raceAbort(connectors.acquire(container, createConnector), signal, undefined, VIDYO_PROVIDER)
      const connection = new VidyoConnection({
        pooled,
        token,
        host: parameters.host,
        resourceId: parameters.resourceId,
        displayName: parameters.displayName || token.identity,
        onLoudestParticipantChanged: settings.onLoudestParticipantChanged,
        onDynamicParticipantsChanged: settings.onDynamicParticipantsChanged,
      })
      await connection.open({ audio: connectOptions.audio, video: connectOptions.video }, signal)
      return connection
    },
  })
  return { ...adapter, provider: VIDYO_PROVIDER }
}

/**
 * The Vidyo.io client adapter for `createSession({ adapters: [vidyo()] })`. Vidyo renders its own
 * view (`capabilities.media === 'view'`): join with `{ container }`. VidyoClient.js loads lazily on
 * the first join, from `scriptUrl`, unless a ready VidyoClient (the global `VC`) is passed as `sdk`.
 * Creates one VidyoConnector per container, reused by later connections there. Unknown or invalid
 * options are refused with INVALID_INPUT.
 */
export function vidyo(options: VidyoClientOptions = {}): VidyoClientAdapter {
  return createVidyoClientAdapter(options)
}
