import type { ClientAdapter } from '@callport/core'
import { createOpenViduClientAdapter, type OpenViduClientOptions } from './openvidu-client-adapter'

/**
 * The OpenVidu 2 client adapter for `createSession({ adapters: [openvidu()] })`. openvidu-browser
 * (an optional peer dependency) is imported on the first join, unless its `OpenVidu` class is passed
 * in: `openvidu({ OpenVidu })`. Remote cameras and microphones arrive as `track-subscribed`.
 */
export function openvidu(options: OpenViduClientOptions = {}): ClientAdapter {
  return createOpenViduClientAdapter(options)
}

export type { OpenViduClientOptions } from './openvidu-client-adapter'
export type { OpenViduPublisherProperties } from './local-media'
export type * from './openvidu-browser-types'
export { disconnectReasonOfOpenVidu } from './openvidu-reasons'
export { DATA_SIGNAL_TYPE } from './openvidu-connection'
export type { OpenViduConnectParameters } from '../shared/connect-parameters'
