export { twilio, twilioServerCapabilities, twilioTokenTtlSeconds, type TwilioServerAdapter } from './twilio-server-adapter'
export { twilioEnvironmentVariables, TWILIO_VIDEO_BASE_URL, type TwilioRoomOptions, type TwilioSettings } from './settings'
export {
  accessTokenAlgorithms,
  createAccessToken,
  DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  type AccessTokenAlgorithm,
  type AccessTokenOptions,
} from './access-token'
export { isValidTwilioSignature, parseFormParameters, twilioRequestSignature, type SignedParameters } from './request-signature'
export { normalizeStatusCallback, statusCallbackEventId } from './status-callbacks'
export { statusCallbackEvents, statusCallbackParameters } from './status-callback-parameters'
export { errorFromTwilioResponse, type TwilioErrorBody } from './twilio-rest-errors'
export type { TwilioConnectParameters } from '../shared/connect-parameters'
