export { kaleyra, kaleyraClientCapabilities, type KaleyraClientAdapter, type KaleyraClientOptions } from './kaleyra-client-adapter'
export type { KaleyraConnection } from './kaleyra-connection'
export { DEFAULT_WIDGET_VERSION, kaleyraWidgetUrl, type KaleyraWidgetSource } from './load-sdk'
export type {
  BandyerSdk,
  WidgetCall,
  WidgetCallEndReason,
  WidgetCallStatus,
  WidgetCallType,
  WidgetCallView,
  WidgetClient,
  WidgetClientEvents,
  WidgetConfiguration,
} from './kaleyra-widget-types'
export type { KaleyraConnectParameters, KaleyraEnvironment, KaleyraRegion } from '../shared/connect-parameters'
