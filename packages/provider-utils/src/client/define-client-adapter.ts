import {
  raceAbort,
  readProviderToken,
  specificationVersion,
  throwIfAborted,
  type ClientAdapter,
  type ClientCapabilities,
  type ClientConnection,
  type ConnectOptions,
  type Token,
} from '@callport/core'
import type * as z from 'zod/mini'
import { toProviderError } from '../shared/provider-error'

/** What a provider writes for its client half; `defineClientAdapter` adds the rules every adapter keeps. */
export interface ClientAdapterDefinition<ConnectSchema extends z.ZodMiniType, Connection extends ClientConnection> {
  /** The provider id, such as `twilio`. */
  provider: string
  /** The vendor's name in messages, such as `Twilio`. */
  vendor: string
  capabilities: ClientCapabilities
  /** Validates the token's `connect` parameters (what the server half put there). */
  connectSchema: ConnectSchema
  /**
   * Joins the room. Called with a token already checked to be a valid Token of this provider, its
   * parsed `connect` parameters, and a signal that had not fired.
   */
  connect(request: { token: Token; parameters: z.infer<ConnectSchema> }, options: ConnectOptions): Promise<Connection>
  /**
   * Loads the SDK (`request` undefined) and, with a token, warms up before a join (`ClientAdapter.prepare`);
   * set `capabilities.prepare` with it.
   */
  prepare?(request: { token: Token; parameters: z.infer<ConnectSchema> } | undefined, options: { signal?: AbortSignal }): Promise<void>
}

/**
 * Makes a client adapter (specification v1) from a provider's definition and keeps the rules of
 * {@link ClientAdapter} for it: a token that is not a valid Token of this provider, or lacks its
 * connection parameters, is refused with INVALID_INPUT; a signal that already fired gives ABORTED
 * before anything loads; a signal that fires while joining gives ABORTED and disconnects the
 * connection that arrives late; anything else thrown becomes a CallportError naming the provider
 * (CONNECTION_FAILED unless it already had a code).
 */
export function defineClientAdapter<ConnectSchema extends z.ZodMiniType, Connection extends ClientConnection>(
  definition: ClientAdapterDefinition<ConnectSchema, Connection>,
): ClientAdapter & { connect(token: Token, options: ConnectOptions): Promise<Connection> } {
  const { provider, vendor, connectSchema } = definition
  const prepare = definition.prepare?.bind(definition)
  return {
    ...(prepare && {
      async prepare(token: Token | undefined, options: { signal?: AbortSignal } = {}): Promise<void> {
        try {
          const request = token === undefined ? undefined : readProviderToken(token, { id: provider, name: vendor, connectSchema })
          throwIfAborted(options.signal)
          await raceAbort(prepare(request && { token: request.token, parameters: request.parameters }, options), options.signal, undefined, provider)
        } catch (error) {
          throw toProviderError(error, provider, 'CONNECTION_FAILED')
        }
      },
    }),
    specificationVersion,
    provider,
    capabilities: definition.capabilities,
    async connect(token: Token, options: ConnectOptions): Promise<Connection> {
      try {
        const { token: checked, parameters } = readProviderToken(token, { id: provider, name: vendor, connectSchema })
        throwIfAborted(options.signal)
        const joining = definition.connect({ token: checked, parameters }, options)
        return await raceAbort(joining, options.signal, (late) => void late.disconnect().catch(() => undefined), provider)
      } catch (error) {
        throw toProviderError(error, provider, 'CONNECTION_FAILED')
      }
    },
  }
}
