import {
  CallportError,
  specificationVersion,
  throwIfAborted,
  type EnsureRoomOptions,
  type IssueTokenOptions,
  type Participant,
  type Room,
  type RoomOperationOptions,
  type ServerAdapter,
  type ServerCapabilities,
  type Token,
  type TokenTtlBounds,
  type TrackKind,
  type UpdateParticipantOptions,
  type WebhookHandler,
} from '@callport/core'
import { toProviderError } from '../shared/provider-error'
import { checkTokenTtl } from '../shared/token-ttl'

/** What a provider writes for its server half; `defineServerAdapter` adds the rules every adapter keeps. */
export interface ServerAdapterDefinition {
  /** The provider id, such as `twilio`. */
  provider: string
  /** The vendor's name in messages, such as `Twilio`. */
  vendor: string
  /** Token lifetimes the vendor accepts, in whole seconds. */
  tokenTtlSeconds: TokenTtlBounds
  /** The most participants one room can hold, when the vendor has a limit (`capabilities.maximumParticipants`). */
  maximumParticipants?: number
  ensureRoom(options: EnsureRoomOptions): Promise<Room>
  issueToken(options: IssueTokenOptions): Promise<Token>
  getRoom?(options: EnsureRoomOptions): Promise<Room | null>
  listParticipants?(options: RoomOperationOptions): Promise<Participant[]>
  removeParticipant?(options: RoomOperationOptions & { identity: string }): Promise<void>
  muteParticipant?(options: RoomOperationOptions & { identity: string; kind: TrackKind }): Promise<void>
  updateParticipant?(options: UpdateParticipantOptions): Promise<void>
  closeRoom?(options: RoomOperationOptions): Promise<void>
  webhook?: WebhookHandler | undefined
}

/** Longest participant name, as core's `Participant.name` allows. */
const PARTICIPANT_NAME_MAXIMUM_LENGTH = 256

/** INVALID_INPUT unless `name` is 1 to 256 characters and `metadata` a plain object (where given). */
function checkParticipantChanges({ name, metadata }: UpdateParticipantOptions, provider: string): void {
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > PARTICIPANT_NAME_MAXIMUM_LENGTH)) {
    throw new CallportError('INVALID_INPUT', `A participant's name must be 1 to ${PARTICIPANT_NAME_MAXIMUM_LENGTH} characters`, { provider })
  }
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) {
    throw new CallportError('INVALID_INPUT', "A participant's metadata must be an object", { provider })
  }
}

/**
 * Runs `operation` after the shared checks, turning whatever it throws into a CallportError of this
 * provider. No async frame of its own: it runs on every join.
 */
function guarded<T>(provider: string, signal: AbortSignal | undefined, operation: () => Promise<T>): Promise<T> {
  const fail = (error: unknown): never => {
    throw toProviderError(error, provider)
  }
  let pending: Promise<T>
  try {
    throwIfAborted(signal)
    pending = Promise.resolve(operation())
  } catch (error) {
    return Promise.reject(error).catch(fail)
  }
  return pending.catch(fail)
}

/**
 * Makes a server adapter (specification v1) from a provider's definition and keeps the rules of
 * {@link ServerAdapter} for it: capability flags derived from which optional methods exist, a
 * token lifetime outside `tokenTtlSeconds` refused with INVALID_INPUT before any I/O (and an
 * `updateParticipant` name that is empty or over 256 characters, or metadata that is not an object), a signal that
 * already fired refused with ABORTED, and anything a method throws turned into a CallportError
 * naming the provider. `extra` (a resolved URL, say) is added to the adapter as it is.
 */
export function defineServerAdapter<Extra extends object = Record<never, never>>(definition: ServerAdapterDefinition, extra?: Extra): ServerAdapter & Extra {
  const { provider, vendor, tokenTtlSeconds, webhook } = definition
  const capabilities: ServerCapabilities = {
    getRoom: definition.getRoom !== undefined,
    listParticipants: definition.listParticipants !== undefined,
    removeParticipant: definition.removeParticipant !== undefined,
    closeRoom: definition.closeRoom !== undefined,
    muteParticipant: definition.muteParticipant !== undefined,
    // Optional in ServerCapabilities (absent = false): set only when the method is there, so the
    // capabilities of adapters written before it stay as they were.
    ...(definition.updateParticipant && { updateParticipant: true }),
    webhooks: webhook !== undefined,
    tokenTtlSeconds,
    ...(definition.maximumParticipants === undefined ? {} : { maximumParticipants: definition.maximumParticipants }),
  }
  const adapter: ServerAdapter = {
    specificationVersion,
    provider,
    capabilities,
    ensureRoom: (options) => guarded(provider, options.signal, () => definition.ensureRoom(options)),
    issueToken: (options) =>
      guarded(provider, options.signal, () => {
        checkTokenTtl(options.ttlSeconds, tokenTtlSeconds, { provider, vendor })
        return definition.issueToken(options)
      }),
    ...(definition.getRoom && { getRoom: (options: EnsureRoomOptions) => guarded(provider, options.signal, () => definition.getRoom!(options)) }),
    ...(definition.listParticipants && {
      listParticipants: (options: RoomOperationOptions) => guarded(provider, options.signal, () => definition.listParticipants!(options)),
    }),
    ...(definition.removeParticipant && {
      removeParticipant: (options: RoomOperationOptions & { identity: string }) => guarded(provider, options.signal, () => definition.removeParticipant!(options)),
    }),
    ...(definition.muteParticipant && {
      muteParticipant: (options: RoomOperationOptions & { identity: string; kind: TrackKind }) =>
        guarded(provider, options.signal, () => definition.muteParticipant!(options)),
    }),
    ...(definition.updateParticipant && {
      updateParticipant: (options: UpdateParticipantOptions) =>
        guarded(provider, options.signal, () => {
          checkParticipantChanges(options, provider)
          return definition.updateParticipant!(options)
        }),
    }),
    ...(definition.closeRoom && { closeRoom: (options: RoomOperationOptions) => guarded(provider, options.signal, () => definition.closeRoom!(options)) }),
    ...(webhook && {
      webhook: {
        verify: (request) => guarded(provider, undefined, async () => webhook.verify(request)),
        parse: (request) => guarded(provider, undefined, async () => webhook.parse(request)),
      },
    }),
  }
  return Object.assign(adapter, extra)
}
