export { signHs256Jwt, verifyHs256Jwt, type JwtClaims, type VerifyJwtOptions } from './jwt'
export { createMemoryRoomStore, type RoomRecord, type RoomStore } from './room-store'
export {
  createCallServer,
  type CallServer,
  type EnsureCallRoomOptions,
  type IssueCallTokenOptions,
  type JoinOptions,
  type RoomLookupOptions,
} from './create-call-server'
export type { Authorize, CallServerOptions, ParticipantInput } from './options'
export {
  allowListRoute,
  fixedRoute,
  percentageRoute,
  roomBucket,
  type AllowListRouteOptions,
  type PercentageRouteOptions,
  type RouteContext,
  type RouteFunction,
} from './routing'
export { toNodeHandler, type NodeHandler } from './node-handler'
export { problemOf, problemResponse, type ProblemBody, type ProblemIssue } from './problem'
export { MAXIMUM_BODY_BYTES } from './body-limit'
export { REMEMBERED_WEBHOOK_EVENTS } from './webhooks'
