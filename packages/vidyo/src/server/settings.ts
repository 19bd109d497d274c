import type { Participant } from '@callport/core'
import { loadSettings, parseInput, type ProviderSettingsBase } from '@callport/provider-utils'
import * as z from 'zod/mini'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import { AppIdSchema, DeveloperKeySchema } from './token-format'

/** Settings of `vidyo(settings)`; each string setting left out (or empty) is read from its environment variable. */
export interface VidyoSettings extends ProviderSettingsBase {
  /** The Vidyo.io application id, for example `abc123.vidyo.io`. Default: `VIDYO_APP_ID`. */
  appId?: string
  /** The application's developer key, which signs tokens. Default: `VIDYO_DEVELOPER_KEY`. */
  developerKey?: string
  /** The Vidyo host clients connect to. Default: `VIDYO_HOST`, else `prod.vidyo.io`. */
  host?: string
  /** Builds the optional vCard (XML) carried in a participant's token. */
  vCard?: (participant: Participant) => string | undefined
}

export interface ResolvedVidyoSettings {
  appId: string
  developerKey: string
  host: string
  vCard: ((participant: Participant) => string | undefined) | undefined
}

export const DEFAULT_VIDYO_HOST = 'prod.vidyo.io'

/** The environment variable each setting falls back to. */
export const vidyoEnvironmentVariables = {
  appId: 'VIDYO_APP_ID',
  developerKey: 'VIDYO_DEVELOPER_KEY',
  host: 'VIDYO_HOST',
} as const

type EnvironmentSetting = keyof typeof vidyoEnvironmentVariables

const HostSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$/, 'Host must be a host name, optionally with a port, without a scheme'))

/** A string setting that must be there, with the way to give it when it is not. */
function required<Schema extends z.ZodMiniType<string, string>>(name: EnvironmentSetting, schema: Schema) {
  const missing = `missing: pass { ${name} } to vidyo() or set the environment variable ${vidyoEnvironmentVariables[name]}`
  return z.pipe(z.string({ error: (issue) => (issue.input === undefined ? missing : `${name} must be a string`) }), schema)
}

const SettingsSchema = z.object({
  appId: required('appId', AppIdSchema),
  developerKey: required('developerKey', DeveloperKeySchema),
  host: z.optional(HostSchema),
  vCard: z.optional(z.custom<(participant: Participant) => string | undefined>((value) => typeof value === 'function', 'vCard must be a function')),
})

const known = ['appId', 'developerKey', 'host', 'vCard'] as const satisfies readonly (keyof VidyoSettings)[]

/** An empty string setting counts as left out, so that `{ appId: process.env.X ?? '' }` falls back like `{}`. */
function withoutEmptyStrings(settings: VidyoSettings | undefined): VidyoSettings | undefined {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return settings
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== ''))
}

/**
 * Settings, then environment variables (`settings.environment`, default `process.env`), then
 * defaults. Throws INVALID_INPUT for an unknown setting (naming the closest known one), or for a
 * missing or invalid one, naming the environment variable a value came from.
 */
export function loadVidyoSettings(settings: VidyoSettings | undefined): ResolvedVidyoSettings {
  const given = withoutEmptyStrings(settings)
  const loaded = loadSettings(given, { provider: VIDYO_PROVIDER, subject: 'Vidyo settings', known, fromEnvironment: vidyoEnvironmentVariables })
  const fromEnvironment = (Object.keys(vidyoEnvironmentVariables) as EnvironmentSetting[]).filter((name) => given?.[name] === undefined && loaded[name] !== undefined)
  const sources = fromEnvironment.map((name) => `${name} from environment variable ${vidyoEnvironmentVariables[name]}`)
  const subject = sources.length === 0 ? 'Vidyo settings' : `Vidyo settings (${sources.join(', ')})`
  const parsed = parseInput(SettingsSchema, loaded, { subject, provider: VIDYO_PROVIDER })
  return { appId: parsed.appId, developerKey: parsed.developerKey, host: parsed.host ?? DEFAULT_VIDYO_HOST, vCard: parsed.vCard }
}
