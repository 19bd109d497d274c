/** The Janus client half (work in progress, issue 18; not yet a package export): `janus(options)` for createSession. */
export { janus, janusClientCapabilities, type JanusClientAdapter, type JanusClientOptions } from './janus-client-adapter'
export { VERSION } from '../shared/version'
export type { JanusConnection } from './janus-connection'
export type { JanusJsGlobals, JanusJsSource, WebRtcAdapterSource } from './load-sdk'
