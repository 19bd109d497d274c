export { twilio, twilioClientCapabilities, type TwilioClientAdapter, type TwilioClientOptions } from './twilio-client-adapter'
export { TwilioConnection } from './twilio-connection'
export { disconnectReasonOf, errorFromTwilioVideo } from './twilio-errors'
export type { TwilioVideoSource } from './load-sdk'
export type {
  TwilioConnectOptions,
  TwilioLocalMediaTrack,
  TwilioRemoteMediaTrack,
  TwilioRemoteParticipant,
  TwilioRoom,
  TwilioVideo,
  TwilioVideoError,
} from './twilio-video-types'
export type { TwilioConnectParameters } from '../shared/connect-parameters'
