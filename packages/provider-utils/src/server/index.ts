/** For the server halves of provider packages: the vendor REST client, HS256 JWTs and `defineServerAdapter`. */
export { defineServerAdapter, type ServerAdapterDefinition } from './define-server-adapter'
export {
  basicAuthorization,
  createVendorRestClient,
  type VendorAnswer,
  type VendorAnswerSnapshot,
  type VendorErrorDescription,
  type VendorRequest,
  type VendorRequestBody,
  type VendorRestClient,
  type VendorRestClientOptions,
} from './vendor-rest-client'
export { defaultStatusMeanings, extendStatusMeanings, meaningOfStatus, type StatusMeaning, type StatusMeanings } from './status-meanings'
export {
  defaultVendorRestSettings,
  resolveVendorRestSettings,
  vendorRestSettingNames,
  vendorRestSettingsShape,
  type ResolvedVendorRestSettings,
  type VendorRestSettings,
} from './vendor-rest-settings'
export { signHs256Jwt, signHs256JwtAsync, verifyHs256Jwt, verifyHs256JwtAsync, type JwtClaims, type JwtSecret, type VerifyJwtOptions } from './jwt'
export {
  createTurnCredentials,
  parseTurnServerSettings,
  TURN_ENVIRONMENT_VARIABLES,
  turnSettingsFromEnvironment,
  TurnServerSettingsSchema,
  type TurnCredentialOptions,
  type TurnIceServer,
  type TurnServerSettings,
} from './turn-credentials'
