/**
 * What both halves of a provider package share: settings loading, token lifetime checks and input
 * parsing. Browser-safe (no I/O, no Node module); the server half's tools are in
 * `@callport/provider-utils/server`, the client half's in `@callport/provider-utils/client`.
 */
export { closestName } from './shared/closest-name'
export { loadSettings, processEnvironment, type Environment, type LoadSettingsOptions, type ProviderSettingsBase, type SettingsOwner } from './shared/settings'
export { checkTokenTtl } from './shared/token-ttl'
export { toProviderError } from './shared/provider-error'
export { VERSION } from './shared/version'
export { abortedError, linkSignal, parseInput, raceAbort, sleep, throwIfAborted, type ParseInputContext } from '@callport/core'
