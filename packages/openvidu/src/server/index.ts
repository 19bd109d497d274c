export { openvidu, openViduServerCapabilities, openViduTokenTtlBounds, type OpenViduServerAdapter } from './openvidu-server-adapter'
export type { OpenViduSettings } from './settings'
export { openViduSampleRoutes } from './sample-routes'
export { VERSION } from '../shared/version'
