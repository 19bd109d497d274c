export * from './memory/index'
export {
  runServerAdapterSuite,
  tamperWith,
  type JoinedParticipant,
  type JoinRequest,
  type ServerAdapterSuiteOptions,
  type ServerAdapterSuiteVendor,
  type ServerAdapterSuiteWebhookDelivery,
  type ServerAdapterSuiteWebhooks,
} from './suites/server-adapter-suite'
export {
  runClientAdapterSuite,
  type ClientAdapterSuiteLocal,
  type ClientAdapterSuiteModerator,
  type ClientAdapterSuiteOptions,
  type ClientLocalParticipant,
  type ClientTokenRequest,
  type RemoteParticipant,
} from './suites/client-adapter-suite'
export { expectCallportError, type SuiteLifecycle } from './suites/suite-context'
export { waitForEvent, type WaitForEventOptions } from './wait-for-event'
export { serveStaticFiles, type StaticFile, type StaticFileServer, type StaticFilesOptions } from './helpers/static-files'
