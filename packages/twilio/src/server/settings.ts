import * as z from 'zod/mini'
import { loadSettings, parseInput, type ProviderSettingsBase } from '@callport/provider-utils'
import {
  resolveVendorRestSettings,
  vendorRestSettingNames,
  vendorRestSettingsShape,
  type ResolvedVendorRestSettings,
  type VendorRestSettings,
} from '@callport/provider-utils/server'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { accessTokenAlgorithms, type AccessTokenAlgorithm } from './access-token'

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
  /** `VideoCodecs`, sent as one `VideoCodecs` field per codec, as twilio-node sends them. */
  videoCodecs?: Array<'VP8' | 'H264'>
}

/**
 * Settings of the Twilio server half. The credentials fall back to their environment variables.
 * `retry` covers rate-limited (429) and failing (5xx) REST requests; `maximumDelay` bounds a `Retry-After` too.
 */
export interface TwilioSettings extends VendorRestSettings, ProviderSettingsBase {
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
   * The secret of a Twilio SharedKey (Webhooks API `/v1/SharedKeys`), for status callbacks Twilio signs
   * with it: those carry `X-Twilio-Webhooks-Signature-Settings: key=<SharedKey SID>,algorithm=<HMAC_SHA1|HMAC_SHA256>`
   * and are checked with this secret under that algorithm, as twilio-node 6.3's `webhook({ sharedKeySecret })`
   * does. No environment variable (twilio-node reads none for it).
   */
  sharedKeySecret?: string
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
}

/** Settings after environment variables and defaults are applied. */
export interface ResolvedTwilioSettings {
  accountSid: string
  apiKeySid: string
  apiKeySecret: string
  authToken: string | undefined
  sharedKeySecret: string | undefined
  statusCallbackUrl: string | undefined
  room: TwilioRoomOptions
  algorithm: AccessTokenAlgorithm
  tokenRegion: string | undefined
  /** Without a trailing slash. */
  baseUrl: string
  rest: ResolvedVendorRestSettings
}

/** The environment variable each setting falls back to. */
export const twilioEnvironmentVariables = {
  accountSid: 'TWILIO_ACCOUNT_SID',
  apiKeySid: 'TWILIO_API_KEY_SID',
  apiKeySecret: 'TWILIO_API_KEY_SECRET',
  authToken: 'TWILIO_AUTH_TOKEN',
  statusCallbackUrl: 'TWILIO_STATUS_CALLBACK_URL',
} as const satisfies { readonly [Key in keyof TwilioSettings]?: string }

export const TWILIO_VIDEO_BASE_URL = 'https://video.twilio.com'

/** Twilio's REST defaults: up to 10 s between retries, as docs/providers/twilio.md documents. */
const restDefaults = { retry: { limit: 2, initialDelay: 300, maximumDelay: 10_000 } }

const knownSettings = [
  'accountSid',
  'apiKeySid',
  'apiKeySecret',
  'authToken',
  'sharedKeySecret',
  'statusCallbackUrl',
  'room',
  'algorithm',
  'tokenRegion',
  'baseUrl',
  ...vendorRestSettingNames,
] as const satisfies readonly (keyof TwilioSettings)[]

const positiveInteger = z.number().check(z.int(), z.gt(0))

/** A required string, with one message whether it is missing or empty. */
const required = (message: string) => z.string({ error: message }).check(z.minLength(1, message))

const TwilioSettingsSchema = z.object({
  accountSid: required('accountSid (or TWILIO_ACCOUNT_SID) is required').check(
    z.regex(/^AC[0-9a-fA-F]{32}$/, 'accountSid (or TWILIO_ACCOUNT_SID) must be "AC" followed by 32 hexadecimal digits'),
  ),
  apiKeySid: required('apiKeySid (or TWILIO_API_KEY_SID) is required').check(
    z.regex(/^SK[0-9a-fA-F]{32}$/, 'apiKeySid (or TWILIO_API_KEY_SID) must be an API key SID: "SK" followed by 32 hexadecimal digits'),
  ),
  apiKeySecret: required('apiKeySecret (or TWILIO_API_KEY_SECRET) is required'),
  authToken: z.optional(z.string().check(z.minLength(1))),
  sharedKeySecret: z.optional(z.string().check(z.minLength(1))),
  statusCallbackUrl: z.optional(z.url({ protocol: /^https?$/ })),
  room: z._default(
    z.strictObject({
      type: z.optional(z.enum(['group', 'group-small', 'peer-to-peer', 'go'])),
      maxParticipants: z.optional(positiveInteger),
      emptyRoomTimeout: z.optional(positiveInteger),
      unusedRoomTimeout: z.optional(positiveInteger),
      mediaRegion: z.optional(z.string().check(z.minLength(1))),
      recordParticipantsOnConnect: z.optional(z.boolean()),
      audioOnly: z.optional(z.boolean()),
      maxParticipantDuration: z.optional(positiveInteger),
      videoCodecs: z.optional(z.array(z.enum(['VP8', 'H264']))),
    }),
    {},
  ),
  algorithm: z._default(z.enum(accessTokenAlgorithms), 'HS256'),
  tokenRegion: z.optional(z.string().check(z.minLength(1))),
  baseUrl: z._default(z.url({ protocol: /^https?$/ }), TWILIO_VIDEO_BASE_URL),
  ...vendorRestSettingsShape,
})

/**
 * Refuses unknown settings, fills the credentials from their environment variables, applies the
 * defaults and validates. Throws one INVALID_INPUT naming every problem.
 */
export function resolveTwilioSettings(settings: TwilioSettings | undefined): ResolvedTwilioSettings {
  const loaded = loadSettings(settings, {
    provider: TWILIO_PROVIDER,
    subject: 'Twilio settings',
    known: knownSettings,
    fromEnvironment: twilioEnvironmentVariables,
  })
  const { environmentVariables: _environmentVariables, ...given } = loaded
  const parsed = parseInput(TwilioSettingsSchema, given, { subject: 'Invalid Twilio settings', provider: TWILIO_PROVIDER })
  return {
    accountSid: parsed.accountSid,
    apiKeySid: parsed.apiKeySid,
    apiKeySecret: parsed.apiKeySecret,
    authToken: parsed.authToken,
    sharedKeySecret: parsed.sharedKeySecret,
    statusCallbackUrl: parsed.statusCallbackUrl,
    room: parsed.room,
    algorithm: parsed.algorithm,
    tokenRegion: parsed.tokenRegion,
    baseUrl: parsed.baseUrl.replace(/\/+$/, ''),
    rest: resolveVendorRestSettings(parsed, restDefaults),
  }
}
