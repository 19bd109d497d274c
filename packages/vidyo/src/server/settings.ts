import { CallportError, type Participant, type TokenTtlBounds } from '@callport/core'
import * as z from 'zod/mini'
import { VIDYO_PROVIDER } from '../shared/provider-id'
import { AppIdSchema, DeveloperKeySchema } from './token-format'

/** Settings of `vidyo(settings)`; each falls back to its environment variable. */
export interface VidyoSettings {
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

/**
 * Token lifetimes `issueToken` accepts. A Vidyo token is checked only when a client connects (or
 * reconnects): a call outlives its token. So the lifetime only has to cover the time to connect,
 * plus the reconnections of one sitting; a day at most keeps a leaked token short-lived.
 */
export const VIDYO_TOKEN_TTL_SECONDS: TokenTtlBounds = { min: 60, max: 86_400 }

const HostSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$/, 'Host must be a host name, optionally with a port, without a scheme'))

const schemaOf = { appId: AppIdSchema, developerKey: DeveloperKeySchema, host: HostSchema } as const

type SettingName = keyof typeof vidyoEnvironmentVariables

function resolve(name: SettingName, given: string | undefined, environment: Record<string, string | undefined>): string | undefined {
  const variable = vidyoEnvironmentVariables[name]
  const fromEnvironment = given === undefined || given === ''
  const value = fromEnvironment ? environment[variable] : given
  if (value === undefined || value === '') return undefined
  const result = schemaOf[name].safeParse(value)
  if (!result.success) {
    const source = fromEnvironment ? `environment variable ${variable}` : `setting ${name}`
    throw new CallportError('INVALID_INPUT', `Vidyo ${source} is invalid: ${result.error.issues.map((issue) => issue.message).join('; ')}`, {
      provider: VIDYO_PROVIDER,
      details: result.error.issues,
    })
  }
  return result.data
}

function required(name: SettingName, value: string | undefined): string {
  if (value !== undefined) return value
  throw new CallportError(
    'INVALID_INPUT',
    `Vidyo ${name} is missing: pass { ${name} } to vidyo() or set the environment variable ${vidyoEnvironmentVariables[name]}`,
    { provider: VIDYO_PROVIDER },
  )
}

/** Settings, then environment variables, then defaults. Throws INVALID_INPUT naming what is missing or wrong. */
export function resolveVidyoSettings(
  settings: VidyoSettings = {},
  environment: Record<string, string | undefined> = process.env,
): ResolvedVidyoSettings {
  return {
    appId: required('appId', resolve('appId', settings.appId, environment)),
    developerKey: required('developerKey', resolve('developerKey', settings.developerKey, environment)),
    host: resolve('host', settings.host, environment) ?? DEFAULT_VIDYO_HOST,
    vCard: settings.vCard,
  }
}
