import * as z from 'zod/mini'
import { parseInput, type Participant } from '@callport/core'
import {
  KaleyraEnvironmentSchema,
  KaleyraRegionSchema,
  type KaleyraEnvironment,
  type KaleyraRegion,
} from '../shared/connect-parameters'
import { KALEYRA_PROVIDER } from '../shared/provider-id'

/** Settings of the Kaleyra server half. Each falls back to its environment variable. */
export interface KaleyraSettings {
  /** Secret REST API key (`apikey` header). Default: `KALEYRA_API_KEY`. */
  apiKey?: string
  /** The app id the widget is configured with (public). Default: `KALEYRA_APP_ID`. */
  appId?: string
  /** `eu`, `in` or `us`. Default: `KALEYRA_REGION`, else `eu`. */
  region?: KaleyraRegion
  /** `sandbox` or `production`. Default: `KALEYRA_ENVIRONMENT`, else `sandbox`. */
  environment?: KaleyraEnvironment
  /**
   * REST base URL. Default: `KALEYRA_BASE_URL`, else derived from region and environment
   * (`https://api.sandbox.<region>.bandyer.com`, `https://api.<region>.bandyer.com`).
   */
  baseUrl?: string
  /** Milliseconds one REST attempt may take. Default 10 000. */
  timeout?: number
  /** Retries of rate-limited (429) and failing (5xx) REST requests. */
  retry?: {
    /** Retries after the first attempt. Default 2. */
    limit?: number
    /** Milliseconds before the first retry; each later one waits twice as long. Default 300. */
    initialDelay?: number
    /** Longest wait between two attempts in milliseconds, including a `Retry-After`. Default 10 000. */
    maximumDelay?: number
  }
  /**
   * Participants to list when the Kaleyra room is created, besides the one whose token creates it
   * (Kaleyra rooms are created with their participants). Optional.
   */
  knownParticipants?: (room: string) => Participant[] | Promise<Participant[]>
  /** The fetch implementation REST requests use. Default: the global fetch. */
  fetch?: typeof fetch
}

/** Settings after environment variables and defaults are applied. */
export interface ResolvedKaleyraSettings {
  apiKey: string
  appId: string
  region: KaleyraRegion
  environment: KaleyraEnvironment
  baseUrl: string
  timeout: number
  retry: { limit: number; initialDelay: number; maximumDelay: number }
  knownParticipants: ((room: string) => Participant[] | Promise<Participant[]>) | undefined
  fetch: typeof fetch | undefined
}

export const kaleyraEnvironmentVariables = {
  apiKey: 'KALEYRA_API_KEY',
  appId: 'KALEYRA_APP_ID',
  region: 'KALEYRA_REGION',
  environment: 'KALEYRA_ENVIRONMENT',
  baseUrl: 'KALEYRA_BASE_URL',
} as const

const defaults = {
  region: 'eu',
  environment: 'sandbox',
  timeout: 10_000,
  retry: { limit: 2, initialDelay: 300, maximumDelay: 10_000 },
} as const

/** The documented REST host of a region and environment. */
export function kaleyraBaseUrl(region: KaleyraRegion, environment: KaleyraEnvironment): string {
  return environment === 'sandbox' ? `https://api.sandbox.${region}.bandyer.com` : `https://api.${region}.bandyer.com`
}

const nonNegativeInteger = z.number().check(z.int(), z.gte(0))

const ResolvedSettingsSchema = z.object({
  apiKey: z.string().check(z.minLength(1, 'apiKey (or KALEYRA_API_KEY) is required')),
  appId: z.string().check(z.minLength(1, 'appId (or KALEYRA_APP_ID) is required')),
  region: KaleyraRegionSchema,
  environment: KaleyraEnvironmentSchema,
  baseUrl: z.url({ protocol: /^https?$/ }),
  timeout: z.number().check(z.int(), z.gt(0)),
  retry: z.object({ limit: nonNegativeInteger, initialDelay: nonNegativeInteger, maximumDelay: nonNegativeInteger }),
})

function fromEnvironment(name: string): string | undefined {
  const value = process.env[name]
  return value === undefined || value === '' ? undefined : value
}

/** Applies environment variables and defaults, and validates. Throws INVALID_INPUT naming what is wrong. */
export function resolveKaleyraSettings(settings: KaleyraSettings = {}): ResolvedKaleyraSettings {
  const region = settings.region ?? fromEnvironment(kaleyraEnvironmentVariables.region) ?? defaults.region
  const environment = settings.environment ?? fromEnvironment(kaleyraEnvironmentVariables.environment) ?? defaults.environment
  const candidate = {
    apiKey: settings.apiKey ?? fromEnvironment(kaleyraEnvironmentVariables.apiKey) ?? '',
    appId: settings.appId ?? fromEnvironment(kaleyraEnvironmentVariables.appId) ?? '',
    region,
    environment,
    baseUrl:
      settings.baseUrl ??
      fromEnvironment(kaleyraEnvironmentVariables.baseUrl) ??
      (KaleyraRegionSchema.safeParse(region).success && KaleyraEnvironmentSchema.safeParse(environment).success
        ? kaleyraBaseUrl(region as KaleyraRegion, environment as KaleyraEnvironment)
        : ''),
    timeout: settings.timeout ?? defaults.timeout,
    retry: { ...defaults.retry, ...settings.retry },
  }
  const parsed = parseInput(ResolvedSettingsSchema, candidate, { subject: 'Invalid Kaleyra settings', provider: KALEYRA_PROVIDER })
  return {
    ...parsed,
    baseUrl: parsed.baseUrl.replace(/\/+$/, ''),
    knownParticipants: settings.knownParticipants,
    fetch: settings.fetch,
  }
}
