import { CallportError, throwIfAborted, type ClientAdapter, type ClientCapabilities, type ConnectOptions, type Token } from '@callport/core'
import { loadSettings } from '@callport/provider-utils'
import { defineClientAdapter } from '@callport/provider-utils/client'
import { kaleyraEffectiveRegion, KaleyraConnectParametersSchema } from '../shared/connect-parameters'
import { errorFromKaleyraWidget, KALEYRA_MAXIMUM_PARTICIPANTS } from '../shared/kaleyra-errors'
import { KALEYRA_PROVIDER } from '../shared/provider-id'
import { KaleyraConnection } from './kaleyra-connection'
import type { WidgetCallType, WidgetClient, WidgetConfiguration } from './kaleyra-widget-types'
import { loadKaleyraSdk, type KaleyraWidgetSource } from './load-sdk'
import { widgetClientReleased } from './widget-lifecycle'
import { watchWidgetMedia } from './widget-media'

/** Options of the Kaleyra client half. Unknown keys are refused. */
export interface KaleyraClientOptions {
  /**
   * The widget: the `BandyerSDK` namespace, or a function that resolves to it (or to a module
   * exporting it). Default: a `BandyerSDK` already on the page, else the CDN script.
   */
  sdk?: KaleyraWidgetSource
  /** Widget version loaded from the CDN. Default `2.7.5`. */
  widgetVersion?: string
  /** Script URL of the widget, instead of the CDN URL built from `widgetVersion`. */
  widgetUrl?: string
  /**
   * Extra `BandyerSDK.configure` options (layout, language, tools…). `appId`, `region`,
   * `environment` and `isAdmin` come from the token. `mode` defaults to `embed`; `callType` follows
   * `join`'s `video` option unless given here.
   */
  configuration?: Omit<WidgetConfiguration, 'appId' | 'region' | 'environment' | 'isAdmin'>
  /**
   * Milliseconds `connect` waits, once the widget took the room link, for the widget to report the
   * call (joined) or a refused link (the connect fails with its CallportError). Widget 2.7.5 resolves
   * `joinCallURL` before it knows, so without either report by then the join counts as done; a
   * refused link reported later ends the connection (`join-failed`). Default 10000.
   */
  joinConfirmationWindow?: number
}

/** The Kaleyra client adapter; its connections always have `updateToken`. */
export interface KaleyraClientAdapter extends ClientAdapter {
  readonly provider: typeof KALEYRA_PROVIDER
  connect(token: Token, options: ConnectOptions): Promise<KaleyraConnection>
}

/**
 * The Kaleyra client half draws nothing itself: the widget owns the UI. `maximumParticipants`: a
 * Kaleyra call takes two participants, as on the server half. The widget exposes no local tracks,
 * devices, screen share, speaker, quality, participant-update or remote-mute API, so none of those
 * capabilities is declared (docs/providers/kaleyra.md says why for each); the widget's client is the
 * connection's `vendor`.
 */
export const kaleyraClientCapabilities = {
  media: 'view',
  updateToken: true,
  sendData: false,
  maximumParticipants: KALEYRA_MAXIMUM_PARTICIPANTS,
} as const satisfies ClientCapabilities & { maximumParticipants: number }

const knownOptions = ['sdk', 'widgetVersion', 'widgetUrl', 'configuration', 'joinConfirmationWindow'] as const

/** Default of `joinConfirmationWindow`, in milliseconds. */
export const DEFAULT_JOIN_CONFIRMATION_WINDOW = 10_000

function callTypeOf(options: ConnectOptions): WidgetCallType {
  return options.video ? 'audio_video' : 'audio_upgradable'
}

/**
 * The Kaleyra Video client half: loads the widget lazily inside `connect`, configures it from the
 * token, logs the user in with the access token and joins the room by the user's link.
 */
export function kaleyra(options?: KaleyraClientOptions): KaleyraClientAdapter {
  const loaded = loadSettings(options, { provider: KALEYRA_PROVIDER, subject: 'Kaleyra client options', known: knownOptions })
  const joinConfirmationWindow = loaded.joinConfirmationWindow ?? DEFAULT_JOIN_CONFIRMATION_WINDOW
  if (!Number.isFinite(joinConfirmationWindow) || joinConfirmationWindow < 0) {
    throw new CallportError('INVALID_INPUT', 'joinConfirmationWindow must be a number of milliseconds, 0 or more', { provider: KALEYRA_PROVIDER })
  }

  const adapter = defineClientAdapter({
    provider: KALEYRA_PROVIDER,
    vendor: 'Kaleyra',
    capabilities: kaleyraClientCapabilities,
    connectSchema: KaleyraConnectParametersSchema,

    async connect({ token, parameters }, connectOptions): Promise<KaleyraConnection> {
      const { signal } = connectOptions
      const sdk = await loadKaleyraSdk(loaded)
      await widgetClientReleased(sdk)
      throwIfAborted(signal)
      const media = watchWidgetMedia({ audio: connectOptions.audio, video: connectOptions.video })
      let client: WidgetClient
      try {
        // `configure` throws synchronously (client_already_exists) as well as rejecting.
        client = await sdk.configure({
          mode: 'embed',
          callType: callTypeOf(connectOptions),
          ...loaded.configuration,
          appId: parameters.appId,
          region: kaleyraEffectiveRegion(parameters.region, parameters.environment),
          environment: parameters.environment,
          isAdmin: parameters.isAdmin,
        })
      } catch (error) {
        media.release()
        throw errorFromKaleyraWidget(error)
      }
      const connection = new KaleyraConnection({ sdk, client, media, token, parameters })
      try {
        throwIfAborted(signal)
        await client.connect(token.identity, token.value)
        throwIfAborted(signal)
        if (parameters.roomUrl !== undefined) {
          // An abort ends the wait for the widget's confirmation at once.
          const onAbort = (): void => void connection.disconnect()
          signal?.addEventListener('abort', onAbort, { once: true })
          try {
            await connection.joinByLink(parameters.roomUrl, joinConfirmationWindow)
          } finally {
            signal?.removeEventListener('abort', onAbort)
          }
        }
        throwIfAborted(signal)
      } catch (error) {
        await connection.disconnect()
        throw errorFromKaleyraWidget(error)
      }
      return connection
    },
  })
  return adapter as KaleyraClientAdapter
}
