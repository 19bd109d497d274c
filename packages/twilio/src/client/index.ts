/** The Twilio client half: `twilio(options)` for createSession. twilio-video comes from the `sdk` option or the CDN global `Twilio.Video`, inside `connect`. */
export { twilio, twilioClientCapabilities, type TwilioClientAdapter, type TwilioClientOptions, type TwilioRoomOf } from './twilio-client-adapter'
export { VERSION } from '../shared/version'
export type { TwilioVideoGlobals, TwilioVideoSource } from './load-sdk'
export type { TwilioConnectOptions, TwilioVideo } from './twilio-video-types'
