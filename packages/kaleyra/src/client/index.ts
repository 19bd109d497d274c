/** The Kaleyra client half: `kaleyra(options)` for createSession. The widget loads inside `connect`. */
export { kaleyra, kaleyraClientCapabilities, type KaleyraClientAdapter, type KaleyraClientOptions } from './kaleyra-client-adapter'
export { VERSION } from '../shared/version'
export type { KaleyraWidgetSource } from './load-sdk'
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
