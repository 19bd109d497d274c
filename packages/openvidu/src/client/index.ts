export { openvidu, openViduClientCapabilities, type OpenViduClientAdapter, type OpenViduClientOptions } from './openvidu-client-adapter'
export type { OpenViduPublisherProperties } from './local-media'
export type { OpenViduBrowserConstructor } from './openvidu-browser-types'
export { VERSION } from '../shared/version'
