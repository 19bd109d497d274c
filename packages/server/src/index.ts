export { createMemoryRoomStore, type RoomRecord, type RoomStore } from './room-store'
export {
  createCallServer,
  type CallServer,
  type EnsureCallRoomOptions,
  type InviteActionOptions,
  type InviteOptions,
  type IssueCallTokenOptions,
  type JoinOptions,
  type ModerationOptions,
  type MuteParticipantOptions,
  type ParticipantModerationOptions,
  type RoomLookupOptions,
  type UpdateCallParticipantOptions,
} from './create-call-server'
export { defaultModerationPolicy, type ModerationAction, type ModerationPolicy, type ModerationRequest, type ParticipantChanges } from './moderation'
export type { Authorize, CallServerOptions, ParticipantInput } from './options'
export type { InviteNotification, InviteNotifier, InvitesOptions } from './invites/invite-options'
export {
  createMemoryInviteStore,
  MAXIMUM_RINGING_INVITES,
  SETTLED_INVITE_RETENTION_MILLISECONDS,
  type InviteSettlement,
  type InviteStore,
  type SettledInviteStatus,
} from './invites/invite-store'
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
export { MAXIMUM_PROBLEM_DETAIL, problemOf, problemResponse, type ProblemBody, type ProblemIssue } from './problem'
export type { Logger } from './logger'
export { createMemoryRateLimitStore, defaultRateLimits, type RateLimit, type RateLimitsOptions, type RateLimitStore } from './rate-limit'
export { REQUEST_HEADER } from './request-guard'
export { MAXIMUM_BODY_BYTES } from './body-limit'
export { REMEMBERED_WEBHOOK_EVENTS } from './webhooks'
