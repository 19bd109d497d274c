import {
  CallportError,
  ParticipantSchema,
  RoomNameSchema,
  specificationVersion,
  throwIfAborted,
  type ClientAdapter,
  type ClientCapabilities,
  type ConnectOptions,
  type EnsureRoomOptions,
  type IssueTokenOptions,
  type Participant,
  type Room,
  type RoomOperationOptions,
  type ServerAdapter,
  type ServerCapabilities,
  type Token,
} from '@callport/core'
import { defaultMemoryHub, internalsOf, type MemoryHub } from './hub'
import { MemoryConnection } from './memory-connection'
import { memoryProviderId, memoryTokenTtlBounds } from './memory-token'

export interface MemorySettings {
  /** The hub whose rooms this provider serves; the process-wide `defaultMemoryHub()` by default. */
  hub?: MemoryHub
}

/**
 * The in-memory reference provider: one object that is both a server adapter (for
 * `createCallServer({ providers })`) and a client adapter (for `createSession({ adapters })`).
 * Every optional method of the contract is present.
 */
export interface MemoryProvider extends ServerAdapter, ClientAdapter {
  readonly provider: typeof memoryProviderId
  readonly capabilities: ServerCapabilities & ClientCapabilities
  /** The hub this provider serves, with its simulation controls. */
  readonly hub: MemoryHub
  getRoom(options: EnsureRoomOptions): Promise<Room | null>
  listParticipants(options: RoomOperationOptions): Promise<Participant[]>
  /** Ends that participant's connection with reason `removed`; `PARTICIPANT_NOT_FOUND` when absent. */
  removeParticipant(options: RoomOperationOptions & { identity: string }): Promise<void>
  /** Ends every connection with reason `room-closed` and forgets the room. */
  closeRoom(options: RoomOperationOptions): Promise<void>
  connect(token: Token, options: ConnectOptions): Promise<MemoryConnection>
}

const capabilities: MemoryProvider['capabilities'] = Object.freeze({
  getRoom: true,
  listParticipants: true,
  removeParticipant: true,
  closeRoom: true,
  webhooks: false,
  tokenTtlSeconds: memoryTokenTtlBounds,
  media: 'tracks',
  updateToken: true,
  sendData: true,
})

function invalid(message: string, details?: unknown): CallportError {
  return new CallportError('INVALID_INPUT', message, { provider: memoryProviderId, details })
}

function roomName(name: string): string {
  const parsed = RoomNameSchema.safeParse(name)
  if (!parsed.success) throw invalid(`Invalid room name "${name}"`, parsed.error.issues)
  return parsed.data
}

/** The in-memory reference provider (server and client halves in one object). */
export function memory(settings: MemorySettings = {}): MemoryProvider {
  const hub = settings.hub ?? defaultMemoryHub()
  const rooms = internalsOf(hub)

  return {
    specificationVersion,
    provider: memoryProviderId,
    capabilities,
    hub,

    async ensureRoom({ name, signal }) {
      throwIfAborted(signal)
      return rooms.ensureRoom(roomName(name))
    },

    async issueToken({ room, participant, ttlSeconds, signal }: IssueTokenOptions) {
      throwIfAborted(signal)
      const { min, max } = memoryTokenTtlBounds
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < min || ttlSeconds > max) {
        throw invalid(`ttlSeconds must be a whole number from ${min} to ${max}`)
      }
      const parsed = ParticipantSchema.safeParse(participant)
      if (!parsed.success) throw invalid('Invalid participant', parsed.error.issues)
      return rooms.issueToken(room, parsed.data, ttlSeconds)
    },

    async getRoom({ name, signal }) {
      throwIfAborted(signal)
      return rooms.findRoom(name) ?? null
    },

    async listParticipants({ room, signal }) {
      throwIfAborted(signal)
      return hub.members(rooms.liveRoom(room).name)
    },

    async removeParticipant({ room, identity, signal }) {
      throwIfAborted(signal)
      if (!rooms.removeMember(rooms.liveRoom(room).name, identity)) {
        throw new CallportError('PARTICIPANT_NOT_FOUND', `"${identity}" is not in room "${room.name}"`, { provider: memoryProviderId })
      }
    },

    async closeRoom({ room, signal }) {
      throwIfAborted(signal)
      rooms.closeRoom(rooms.liveRoom(room).name)
    },

    async connect(token, options) {
      throwIfAborted(options.signal)
      const claims = rooms.verifyToken(token)
      const connection = new MemoryConnection({ join: (endpoint) => rooms.join(claims, endpoint), verifyToken: rooms.verifyToken })
      await connection.setMicrophoneEnabled(options.audio)
      await connection.setCameraEnabled(options.video)
      return connection
    },
  }
}
