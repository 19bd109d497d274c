/** The Janus client half: `janus(options)` for createSession (janus.js and webrtc-adapter, loaded lazily). */
export { janus, janusClientCapabilities, type JanusClientAdapter, type JanusClientOptions } from './janus-client-adapter'
export { VERSION } from '../shared/version'
export type { JanusConnection } from './janus-connection'
export type { JanusJsGlobals, JanusJsSource, WebRtcAdapterSource } from './load-sdk'
