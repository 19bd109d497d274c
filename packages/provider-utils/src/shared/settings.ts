import { CallportError } from '@callport/core'
import { closestName } from './closest-name'

/** Where settings that are not given are read from: environment variables by name. */
export type Environment = Readonly<Record<string, string | undefined>>

/** What every provider's settings accept besides their own keys. */
export interface ProviderSettingsBase {
  /**
   * The environment variables settings that are not given are read from (each provider documents
   * which variable feeds which setting). Default: `process.env` where there is one, else nothing.
   */
  environmentVariables?: Environment
}

/** The variables of the running process, or none on runtimes without `process`. */
export function processEnvironment(): Environment {
  const host = globalThis as { process?: { env?: Environment } }
  return host.process?.env ?? {}
}

/** Who the settings are for, in errors. */
export interface SettingsOwner {
  /** The provider id, such as `openvidu`. */
  provider: string
  /** What the settings configure, as messages name it: "OpenVidu settings", "Twilio client options". */
  subject: string
}

export interface LoadSettingsOptions<Settings extends object> extends SettingsOwner {
  /** Every key the settings may have (`environmentVariables` is always accepted). */
  known: readonly (keyof Settings & string)[]
  /**
   * Setting → the environment variable read when the setting is absent or undefined, such as
   * `{ secret: 'OPENVIDU_SECRET' }`. An empty variable counts as absent.
   */
  fromEnvironment?: { readonly [Key in keyof Settings]?: string }
}

/**
 * The first step of every provider factory: refuses anything but a plain object, refuses unknown
 * keys by name (INVALID_INPUT, with the closest known key as a hint, so `baseURL` for `baseUrl` is
 * not silently ignored), and fills absent settings from their environment variables (read from
 * `settings.environmentVariables`, default `process.env`). Values are not validated here: parse the result
 * with the provider's schema.
 */
export function loadSettings<Settings extends object>(settings: Settings | undefined, options: LoadSettingsOptions<Settings>): Settings {
  const given: unknown = settings ?? {}
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new CallportError('INVALID_INPUT', `${options.subject} must be an object`, { provider: options.provider })
  }
  const known = [...options.known, 'environmentVariables']
  const unknown = Object.keys(given).filter((key) => !known.includes(key))
  if (unknown.length > 0) {
    const problems = unknown.map((key) => {
      const hint = closestName(key, known)
      return hint === undefined ? `unknown setting "${key}"` : `unknown setting "${key}" (did you mean "${hint}"?)`
    })
    throw new CallportError('INVALID_INPUT', `${options.subject}: ${problems.join('; ')}. Known settings: ${known.join(', ')}`, {
      provider: options.provider,
      details: { unknown, known },
    })
  }
  const environment = (given as ProviderSettingsBase).environmentVariables ?? processEnvironment()
  const loaded: Record<string, unknown> = { ...given }
  const sources: Record<string, string | undefined> = options.fromEnvironment ?? {}
  for (const [key, variable] of Object.entries(sources)) {
    if (loaded[key] !== undefined || variable === undefined) continue
    const value = environment[variable]
    if (value !== undefined && value !== '') loaded[key] = value
  }
  return loaded as Settings
}
