import {
  specificationVersion,
  throwIfAborted,
  readProviderToken,
  type ClientAdapter,
  type ClientCapabilities,
  type ConnectOptions,
  type Token,
} from '@callport/core'
import { KaleyraConnectParametersSchema } from '../shared/connect-parameters'
import { errorFromKaleyraWidget } from '../shared/kaleyra-errors'
import { KALEYRA_PROVIDER } from '../shared/provider-id'
import { KaleyraConnection } from './kaleyra-connection'
import type { WidgetCallType, WidgetConfiguration } from './kaleyra-widget-types'
import { loadKaleyraSdk, type KaleyraWidgetSource } from './load-sdk'
import { widgetClientReleased } from './widget-lifecycle'
import { watchWidgetMedia } from './widget-media'

/** Options of the Kaleyra client half. */
export interface KaleyraClientOptions {
  /**
   * The widget: the `BandyerSDK` object, or a function that imports it (for example
   * `() => import('@bandyer/bandyer-chat-widget')`). Default: a `BandyerSDK` already on the page,
   * else the CDN script.
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
}

/** The Kaleyra client adapter; its connections always have `updateToken`. */
export interface KaleyraClientAdapter extends ClientAdapter {
  connect(token: Token, options: ConnectOptions): Promise<KaleyraConnection>
}

/** The Kaleyra client half draws nothing itself: the widget owns the UI. */
export const kaleyraClientCapabilities: ClientCapabilities = { media: 'view', updateToken: true, sendData: false }

function callTypeOf(options: ConnectOptions): WidgetCallType {
  return options.video ? 'audio_video' : 'audio_upgradable'
}

function readToken(token: Token) {
  return readProviderToken(token, { id: KALEYRA_PROVIDER, name: 'Kaleyra', connectSchema: KaleyraConnectParametersSchema })
}

/**
 * The Kaleyra Video client half: loads the widget lazily inside `connect`, configures it from the
 * token, logs the user in with the access token and joins the room by the user's link.
 */
export function kaleyra(options: KaleyraClientOptions = {}): KaleyraClientAdapter {
  return {
    specificationVersion,
    provider: KALEYRA_PROVIDER,
    capabilities: kaleyraClientCapabilities,

    async connect(input: Token, connectOptions: ConnectOptions): Promise<KaleyraConnection> {
      const { token, parameters } = readToken(input)
      const { signal } = connectOptions
      throwIfAborted(signal)
      const sdk = await loadKaleyraSdk(options)
      await widgetClientReleased(sdk)
      throwIfAborted(signal)
      const media = watchWidgetMedia({ audio: connectOptions.audio, video: connectOptions.video })
      let client
      try {
        client = await sdk.configure({
          mode: 'embed',
          callType: callTypeOf(connectOptions),
          ...options.configuration,
          appId: parameters.appId,
          region: parameters.region,
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
        if (parameters.roomUrl !== undefined) connection.follow((await client.joinCallURL(parameters.roomUrl)).call)
        throwIfAborted(signal)
      } catch (error) {
        await connection.disconnect()
        throw errorFromKaleyraWidget(error)
      }
      return connection
    },
  }
}
