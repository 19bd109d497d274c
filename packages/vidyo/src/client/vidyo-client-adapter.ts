import {
  CallportError,
  TokenSchema,
  specificationVersion,
  throwIfAborted,
  type ClientAdapter,
  type ConnectOptions,
  type Token,
} from '@callport/core'
import * as z from 'zod/mini'
import { parseInput } from '../shared/parse-input'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import { abortable } from './abortable'
import { DEFAULT_LOAD_TIMEOUT_MILLISECONDS, DEFAULT_VIDYO_CLIENT_SCRIPT_URL, loadVidyoClient, type LoaderHost } from './load-sdk'
import { createConnectorPool } from './connector-pool'
import type { VidyoClient, VidyoConnector, VidyoConnectorViewStyle } from './vidyo-client-types'
import { VidyoConnection, type VidyoParticipantCallbacks } from './vidyo-connection'

/** Options of `vidyo(options)` from `@callport/vidyo/client`. */
export interface VidyoClientOptions extends VidyoParticipantCallbacks {
  /** A ready VidyoClient (the global `VC`); when given, no script is loaded. */
  vidyoClient?: VidyoClient
  /** Where VidyoClient.js is loaded from, lazily, on the first `connect`. */
  scriptUrl?: string
  /** How long to wait for VidyoClient.js to report READY. Default 30 000 ms. */
  loadTimeoutMilliseconds?: number
  /** Layout of the composited view. Default `VIDYO_CONNECTORVIEWSTYLE_Default`. */
  viewStyle?: VidyoConnectorViewStyle
  /** Most remote participants the view shows. Default 8. */
  remoteParticipants?: number
  /** VidyoClient log filter. Default `warning`. */
  logFileFilter?: string
}

const OptionsSchema = z.looseObject({
  scriptUrl: z.optional(z.string().check(z.minLength(1))),
  loadTimeoutMilliseconds: z.optional(z.int().check(z.positive())),
  viewStyle: z.optional(z.enum(['VIDYO_CONNECTORVIEWSTYLE_Default', 'VIDYO_CONNECTORVIEWSTYLE_Tiles'])),
  remoteParticipants: z.optional(z.int().check(z.minimum(0), z.maximum(64))),
  logFileFilter: z.optional(z.string()),
})

/** The token as this adapter needs it: a `vidyo` token whose `connect` has host and resourceId. */
const VidyoTokenSchema = z.extend(TokenSchema, {
  provider: z.literal(VIDYO_PROVIDER, `This token is not for the ${VIDYO_PROVIDER} provider`),
  connect: z.looseObject({
    host: z.string().check(z.minLength(1, 'connect.host is missing')),
    resourceId: z.string().check(z.regex(/^[A-Za-z0-9]+$/, 'connect.resourceId must be alphanumeric')),
    displayName: z.optional(z.string()),
  }),
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

/**
 * The Vidyo.io client adapter: loads VidyoClient.js lazily inside `connect()`, creates a
 * VidyoConnector rendering into the container the app passes (one per container, reused by later
 * connections there), and connects with the server's token.
 */
export function createVidyoClientAdapter(options: VidyoClientOptions = {}, loaderHost?: LoaderHost): ClientAdapter {
  const settings = parseInput(OptionsSchema, options, 'Invalid Vidyo client options')
  const connectors = createConnectorPool()
  return {
    specificationVersion,
    provider: VIDYO_PROVIDER,
    capabilities: { media: 'view', updateToken: false, sendData: false },

    async connect(token: Token, connectOptions: ConnectOptions) {
      const parsed = parseInput(VidyoTokenSchema, token, 'Invalid Vidyo token')
      const container = viewOf(connectOptions.container)
      const { signal } = connectOptions
      throwIfAborted(signal)
      const vidyoClient =
        options.vidyoClient ??
        (await loadVidyoClient(
          {
            scriptUrl: settings.scriptUrl ?? DEFAULT_VIDYO_CLIENT_SCRIPT_URL,
            timeoutMilliseconds: settings.loadTimeoutMilliseconds ?? DEFAULT_LOAD_TIMEOUT_MILLISECONDS,
            signal,
          },
          loaderHost,
        ))
      const createConnector = (): Promise<VidyoConnector> =>
        vidyoClient
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
      const pooled = await abortable(connectors.acquire(container, createConnector), signal)
      const connection = new VidyoConnection({
        pooled,
        token: parsed,
        host: parsed.connect.host,
        resourceId: parsed.connect.resourceId,
        displayName: parsed.connect.displayName || parsed.identity,
        onLoudestParticipantChanged: options.onLoudestParticipantChanged,
        onDynamicParticipantsChanged: options.onDynamicParticipantsChanged,
      })
      await connection.open({ audio: connectOptions.audio, video: connectOptions.video }, signal)
      return connection
    },
  }
}
