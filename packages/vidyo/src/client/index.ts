/** The client half of `@callport/vidyo`: VidyoConnector, loaded lazily, rendering the call into a container. */
export { vidyo, vidyoClientCapabilities, type VidyoClientAdapter, type VidyoClientOptions } from './vidyo-client-adapter'
export type { VidyoClient, VidyoConnector, VidyoConnectorViewStyle } from './vidyo-client-types'
export { VERSION } from '../shared/version'
