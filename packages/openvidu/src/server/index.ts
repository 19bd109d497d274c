export { openvidu, openViduTokenTtlSeconds, type OpenViduServerAdapter } from './openvidu-server-adapter'
export {
  openViduEnvironmentVariables,
  parseWebhookHeaders,
  OPENVIDU_API_PATH,
  type OpenViduSettings,
  type OpenViduWebhookHeader,
} from './settings'
export { roomOfSessionId, sessionIdOfRoom } from './session-id'
export { OPENVIDU_SAMPLES_COMPAT, type SamplesAnswerFormat } from './samples-compat'
export { openViduAuthorization } from './rest-client'
export { normalizeWebhookBody, webhookEventId } from './webhooks'
export { encodeParticipantData, decodeParticipantData, CONNECTION_DATA_VERSION } from '../shared/connection-data'
export type { OpenViduConnectParameters } from '../shared/connect-parameters'
