import * as z from 'zod/mini'
import { loadSettings, parseInput, type Environment } from '@callport/provider-utils'
import {
  resolveVendorRestSettings,
  vendorRestSettingNames,
  vendorRestSettingsShape,
  type ResolvedVendorRestSettings,
  type VendorRestSettings,
} from '@callport/provider-utils/server'
import { kaleyraEffectiveRegion, KaleyraEnvironmentSchema, KaleyraRegionSchema, type KaleyraEnvironment, type KaleyraRegion } from '../shared/connect-parameters'
import { KALEYRA_PROVIDER } from '../shared/provider-id'

/**
 * Settings of the Kaleyra server half. Each of the first five falls back to its environment
 * variable. `retry` covers rate-limited (429) and failing (5xx) REST requests; `maximumDelay`
 * bounds a `Retry-After` too.
 *
 */
export interface KaleyraSettings extends VendorRestSettings {
  /** Secret REST API key (`apikey` header). Default: `KALEYRA_API_KEY`. */
  apiKey?: string
  /** The app id the widget is configured with (public). Default: `KALEYRA_APP_ID`. */
  appId?: string
  /**
   * `eu`, `in` or `us`. Default: `KALEYRA_REGION`, else `eu`. Kaleyra's sandbox lives in `eu` only:
   * with `environment: 'sandbox'` the region is `eu` whatever is given (REST host and widget).
   */
  region?: KaleyraRegion
  /** `sandbox` or `production`. Default: `KALEYRA_ENVIRONMENT`, else `sandbox`. */
  environment?: KaleyraEnvironment
  /**
   * REST base URL. Default: `KALEYRA_BASE_URL`, else derived from region and environment
   * (`https://api.sandbox.<region>.bandyer.com`, `https://api.<region>.bandyer.com`).
   */
  baseUrl?: string
  /** Where the settings above are read from when absent. Default: `process.env` where there is one. */
  environmentVariables?: Environment
}

/** Settings after environment variables and defaults are applied. */
export interface ResolvedKaleyraSettings {
  apiKey: string
  appId: string
  region: KaleyraRegion
  environment: KaleyraEnvironment
  /** Without a trailing slash. */
  baseUrl: string
  rest: ResolvedVendorRestSettings
}

export const kaleyraEnvironmentVariables = {
  apiKey: 'KALEYRA_API_KEY',
  appId: 'KALEYRA_APP_ID',
  region: 'KALEYRA_REGION',
  environment: 'KALEYRA_ENVIRONMENT',
  baseUrl: 'KALEYRA_BASE_URL',
} as const

const knownSettings = ['apiKey', 'appId', 'region', 'environment', 'baseUrl', ...vendorRestSettingNames] as const

const restDefaults = { retry: { limit: 2, initialDelay: 300, maximumDelay: 10_000 } }

/** The documented REST host of a region and environment (the sandbox is always `eu`). */
export function kaleyraBaseUrl(region: KaleyraRegion, environment: KaleyraEnvironment): string {
  const effective = kaleyraEffectiveRegion(region, environment)
  return environment === 'sandbox' ? `https://api.sandbox.${effective}.bandyer.com` : `https://api.${effective}.bandyer.com`
}

const SettingsSchema = z.object({
  apiKey: z.string().check(z.minLength(1, 'apiKey (or KALEYRA_API_KEY) is required')),
  appId: z.string().check(z.minLength(1, 'appId (or KALEYRA_APP_ID) is required')),
  region: KaleyraRegionSchema,
  environment: KaleyraEnvironmentSchema,
  baseUrl: z.optional(z.url({ protocol: /^https?$/ })),
  ...vendorRestSettingsShape,
})

/**
 * Refuses unknown keys (naming the closest known one), applies environment variables and defaults,
 * and validates. Throws INVALID_INPUT naming what is wrong.
 */
export function resolveKaleyraSettings(settings?: KaleyraSettings): ResolvedKaleyraSettings {
  const { environmentVariables: _environmentVariables, ...loaded } = loadSettings<KaleyraSettings>(settings, {
    provider: KALEYRA_PROVIDER,
    subject: 'Kaleyra settings',
    known: knownSettings,
    fromEnvironment: kaleyraEnvironmentVariables,
  })
  const candidate = {
    ...loaded,
    environment: loaded.environment ?? 'sandbox',
    region: loaded.region ?? 'eu',
    apiKey: loaded.apiKey ?? '',
    appId: loaded.appId ?? '',
  }
  const parsed = parseInput(SettingsSchema, candidate, { subject: 'Invalid Kaleyra settings', provider: KALEYRA_PROVIDER })
  return {
    apiKey: parsed.apiKey,
    appId: parsed.appId,
    region: kaleyraEffectiveRegion(parsed.region, parsed.environment),
    environment: parsed.environment,
    baseUrl: (parsed.baseUrl ?? kaleyraBaseUrl(parsed.region, parsed.environment)).replace(/\/+$/, ''),
    rest: resolveVendorRestSettings(parsed, restDefaults),
  }
}
