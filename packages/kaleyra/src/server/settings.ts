import * as z from 'zod/mini'
import { parseInput, type Participant } from '@callport/core'
import {
  KaleyraEnvironmentSchema,
  KaleyraRegionSchema,
  type KaleyraEnvironment,
  type KaleyraRegion,
} from '../shared/connect-parameters'
import { KALEYRA_PROVIDER } from '../shared/provider-id'
import { vendorRestSettingsShape, withVendorRestDefaults, type ResolvedVendorRestSettings, type VendorRestSettings } from '@callport/server'

/**
 * Settings of the Kaleyra server half. Each falls back to its environment variable. `retry` covers
 * rate-limited (429) and failing (5xx) REST requests; `maximumDelay` bounds a `Retry-After` too.
 */
export interface KaleyraSettings extends VendorRestSettings {
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
  /**
   * Participants to list when the Kaleyra room is created, besides the one whose token creates it
   * (Kaleyra rooms are created with their participants). Optional.
   */
  knownParticipants?: (room: string) => Participant[] | Promise<Participant[]>
  /** The fetch implementation REST requests use. Default: the global fetch. */
  fetch?: typeof fetch
}

/** Settings after environment variables and defaults are applied. */
export interface ResolvedKaleyraSettings extends ResolvedVendorRestSettings {
  apiKey: string
  appId: string
  region: KaleyraRegion
  environment: KaleyraEnvironment
  baseUrl: string
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

const defaults = { region: 'eu', environment: 'sandbox' } as const
const restDefaults: ResolvedVendorRestSettings = { timeout: 10_000, retry: { limit: 2, initialDelay: 300, maximumDelay: 10_000 } }

/** The documented REST host of a region and environment. */
export function kaleyraBaseUrl(region: KaleyraRegion, environment: KaleyraEnvironment): string {
  return environment === 'sandbox' ? `https://api.sandbox.${region}.bandyer.com` : `https://api.${region}.bandyer.com`
}

const ResolvedSettingsSchema = z.object({
  apiKey: z.string().check(z.minLength(1, 'apiKey (or KALEYRA_API_KEY) is required')),
  appId: z.string().check(z.minLength(1, 'appId (or KALEYRA_APP_ID) is required')),
  region: KaleyraRegionSchema,
  environment: KaleyraEnvironmentSchema,
  baseUrl: z.url({ protocol: /^https?$/ }),
  ...vendorRestSettingsShape,
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
    ...withVendorRestDefaults(settings, restDefaults),
  }
  const parsed = parseInput(ResolvedSettingsSchema, candidate, { subject: 'Invalid Kaleyra settings', provider: KALEYRA_PROVIDER })
  return {
    ...parsed,
    baseUrl: parsed.baseUrl.replace(/\/+$/, ''),
    knownParticipants: settings.knownParticipants,
    fetch: settings.fetch,
  }
}
