import * as z from 'zod/mini'
import { parseInput } from '@callport/core'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { accessTokenAlgorithms, type AccessTokenAlgorithm } from './access-token'
import { vendorRestSettingsShape, withVendorRestDefaults, type ResolvedVendorRestSettings, type VendorRestSettings } from '@callport/server'

/** Options of the rooms Callport creates (`POST /v1/Rooms`), in Twilio's terms. All optional. */
export interface TwilioRoomOptions {
  /** `Type`: Twilio's docs call it legacy; `group` is the only type new accounts get. */
  type?: 'group' | 'group-small' | 'peer-to-peer' | 'go'
  /** `MaxParticipants`. */
  maxParticipants?: number
  /** `EmptyRoomTimeout`, minutes a room stays open once everyone left (Twilio's default 5). */
  emptyRoomTimeout?: number
  /** `UnusedRoomTimeout`, minutes a room nobody joined stays open (Twilio's default 5). */
  unusedRoomTimeout?: number
  /** `MediaRegion`, such as `us1`, `de1`, `gll`. */
  mediaRegion?: string
  /** `RecordParticipantsOnConnect`. */
  recordParticipantsOnConnect?: boolean
  /** `AudioOnly`. */
  audioOnly?: boolean
  /** `MaxParticipantDuration`, seconds. */
  maxParticipantDuration?: number
  /** `VideoCodecs`. */
  videoCodecs?: Array<'VP8' | 'H264'>
}

/**
 * Settings of the Twilio server half. The credentials fall back to their environment variables.
 * `retry` covers rate-limited (429) and failing (5xx) REST requests; `maximumDelay` bounds a `Retry-After` too.
 */
export interface TwilioSettings extends VendorRestSettings {
  /** `AC…`. Default: `TWILIO_ACCOUNT_SID`. */
  accountSid?: string
  /** `SK…`, the API key that signs Access Tokens and authenticates REST calls. Default: `TWILIO_API_KEY_SID`. */
  apiKeySid?: string
  /** The API key's secret. Default: `TWILIO_API_KEY_SECRET`. */
  apiKeySecret?: string
  /**
   * The account's auth token, which signs status callbacks (`X-Twilio-Signature`). Without it the
   * adapter has no webhook handler. Default: `TWILIO_AUTH_TOKEN`.
   */
  authToken?: string
  /**
   * The public URL of `POST <basePath>/webhooks/twilio`, set as each new room's `StatusCallback`.
   * Without it rooms get no status callbacks. Default: `TWILIO_STATUS_CALLBACK_URL`.
   */
  statusCallbackUrl?: string
  /** Options of the rooms Callport creates. */
  room?: TwilioRoomOptions
  /** Access Token signature algorithm. Default `HS256`. */
  algorithm?: AccessTokenAlgorithm
  /** Twilio region put in the Access Token header (`twr`), when set. */
  tokenRegion?: string
  /** Base URL of the Video REST API. Default `https://video.twilio.com`. */
  baseUrl?: string
  /** The fetch implementation REST requests use. Default: the global fetch. */
  fetch?: typeof fetch
}

/** Settings after environment variables and defaults are applied. */
export interface ResolvedTwilioSettings extends ResolvedVendorRestSettings {
  accountSid: string
  apiKeySid: string
  apiKeySecret: string
  authToken: string | undefined
  statusCallbackUrl: string | undefined
  room: TwilioRoomOptions
  algorithm: AccessTokenAlgorithm
  tokenRegion: string | undefined
  baseUrl: string
  fetch: typeof fetch | undefined
}

/** The environment variable each setting falls back to. */
export const twilioEnvironmentVariables = {
  accountSid: 'TWILIO_ACCOUNT_SID',
  apiKeySid: 'TWILIO_API_KEY_SID',
  apiKeySecret: 'TWILIO_API_KEY_SECRET',
  authToken: 'TWILIO_AUTH_TOKEN',
  statusCallbackUrl: 'TWILIO_STATUS_CALLBACK_URL',
} as const

export const TWILIO_VIDEO_BASE_URL = 'https://video.twilio.com'

const defaultAlgorithm = 'HS256'
const restDefaults: ResolvedVendorRestSettings = { timeout: 10_000, retry: { limit: 2, initialDelay: 300, maximumDelay: 10_000 } }

const positiveInteger = z.number().check(z.int(), z.gt(0))

const RoomOptionsSchema = z.object({
  type: z.optional(z.enum(['group', 'group-small', 'peer-to-peer', 'go'])),
  maxParticipants: z.optional(positiveInteger),
  emptyRoomTimeout: z.optional(positiveInteger),
  unusedRoomTimeout: z.optional(positiveInteger),
  mediaRegion: z.optional(z.string().check(z.minLength(1))),
  recordParticipantsOnConnect: z.optional(z.boolean()),
  audioOnly: z.optional(z.boolean()),
  maxParticipantDuration: z.optional(positiveInteger),
  videoCodecs: z.optional(z.array(z.enum(['VP8', 'H264']))),
})

const ResolvedSettingsSchema = z.object({
  accountSid: z.string().check(z.regex(/^AC[0-9a-fA-F]{32}$/, 'accountSid (or TWILIO_ACCOUNT_SID) must be "AC" followed by 32 hexadecimal digits')),
  apiKeySid: z.string().check(z.regex(/^SK[0-9a-fA-F]{32}$/, 'apiKeySid (or TWILIO_API_KEY_SID) must be an API key SID: "SK" followed by 32 hexadecimal digits')),
  apiKeySecret: z.string().check(z.minLength(1, 'apiKeySecret (or TWILIO_API_KEY_SECRET) is required')),
  authToken: z.optional(z.string().check(z.minLength(1))),
  statusCallbackUrl: z.optional(z.url({ protocol: /^https?$/ })),
  room: RoomOptionsSchema,
  algorithm: z.enum(accessTokenAlgorithms),
  tokenRegion: z.optional(z.string().check(z.minLength(1))),
  baseUrl: z.url({ protocol: /^https?$/ }),
  ...vendorRestSettingsShape,
})

function fromEnvironment(name: string): string | undefined {
  const value = process.env[name]
  return value === undefined || value === '' ? undefined : value
}

/** Applies environment variables and defaults, and validates. Throws INVALID_INPUT naming what is wrong. */
export function resolveTwilioSettings(settings: TwilioSettings = {}): ResolvedTwilioSettings {
  const variables = twilioEnvironmentVariables
  const candidate = {
    accountSid: settings.accountSid ?? fromEnvironment(variables.accountSid) ?? '',
    apiKeySid: settings.apiKeySid ?? fromEnvironment(variables.apiKeySid) ?? '',
    apiKeySecret: settings.apiKeySecret ?? fromEnvironment(variables.apiKeySecret) ?? '',
    authToken: settings.authToken ?? fromEnvironment(variables.authToken),
    statusCallbackUrl: settings.statusCallbackUrl ?? fromEnvironment(variables.statusCallbackUrl),
    room: settings.room ?? {},
    algorithm: settings.algorithm ?? defaultAlgorithm,
    tokenRegion: settings.tokenRegion,
    baseUrl: settings.baseUrl ?? TWILIO_VIDEO_BASE_URL,
    ...withVendorRestDefaults(settings, restDefaults),
  }
  const parsed = parseInput(ResolvedSettingsSchema, candidate, { subject: 'Invalid Twilio settings', provider: TWILIO_PROVIDER })
  return {
    ...parsed,
    authToken: parsed.authToken,
    statusCallbackUrl: parsed.statusCallbackUrl,
    tokenRegion: parsed.tokenRegion,
    baseUrl: parsed.baseUrl.replace(/\/+$/, ''),
    fetch: settings.fetch,
  }
}
