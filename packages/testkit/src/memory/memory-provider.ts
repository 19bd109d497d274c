import {
  CallportError,
  ParticipantSchema,
  parseInput,
  RoomNameSchema,
  type ClientAdapter,
  type ClientCapabilities,
  type ConnectOptions,
  type EnsureRoomOptions,
  type Participant,
  type Room,
  type RoomOperationOptions,
  type ServerAdapter,
  type ServerCapabilities,
  type Token,
  type WebhookHandler,
} from '@callport/core'
import { defineClientAdapter } from '@callport/provider-utils/client'
import { defineServerAdapter } from '@callport/provider-utils/server'
import * as z from 'zod/mini'
import { defaultMemoryHub, internalsOf, type MemoryHub } from './hub'
import { MemoryConnection } from './memory-connection'
import { memoryProviderId, memoryTokenTtlBounds } from './memory-token'
import { memoryWebhookHandler } from './memory-webhook'

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
  /** Verifies deliveries signed with the hub secret (`hub.signWebhook`) and parses their JSON events. */
  webhook: WebhookHandler
  connect(token: Token, options: ConnectOptions): Promise<MemoryConnection>
}

const vendor = 'Memory'

const clientCapabilities: ClientCapabilities = { media: 'tracks', updateToken: true, sendData: true, trackMuteEvents: true }

/** The in-memory reference provider (server and client halves in one object). */
export function memory(settings: MemorySettings = {}): MemoryProvider {
  const hub = settings.hub ?? defaultMemoryHub()
  const rooms = internalsOf(hub)

  const server = defineServerAdapter({
    provider: memoryProviderId,
    vendor,
    tokenTtlSeconds: memoryTokenTtlBounds,
    async ensureRoom({ name }) {
      return rooms.ensureRoom(parseInput(RoomNameSchema, name, { subject: `Invalid room name "${name}"`, provider: memoryProviderId }))
    },
    async issueToken({ room, participant, ttlSeconds }) {
      return rooms.issueToken(room, parseInput(ParticipantSchema, participant, { subject: 'Invalid participant', provider: memoryProviderId }), ttlSeconds)
    },
    async getRoom({ name }) {
      return rooms.findRoom(name) ?? null
    },
    async listParticipants({ room }) {
      return hub.members(rooms.liveRoom(room).name)
    },
    async removeParticipant({ room, identity }) {
      if (!rooms.removeMember(rooms.liveRoom(room).name, identity)) {
        throw new CallportError('PARTICIPANT_NOT_FOUND', `"${identity}" is not in room "${room.name}"`, { provider: memoryProviderId })
      }
    },
    async closeRoom({ room }) {
      rooms.closeRoom(rooms.liveRoom(room).name)
    },
    webhook: memoryWebhookHandler(hub.secret),
  })

  const client = defineClientAdapter({
    provider: memoryProviderId,
    vendor,
    capabilities: clientCapabilities,
    connectSchema: z.object({}),
    async connect({ token }, options) {
      const claims = rooms.verifyToken(token)
      const connection = new MemoryConnection({ join: (endpoint) => rooms.join(claims, endpoint), verifyToken: rooms.verifyToken })
      await connection.setMicrophoneEnabled(options.audio)
      await connection.setCameraEnabled(options.video)
      return connection
    },
  })

  return Object.assign(server as MemoryProvider, {
    provider: memoryProviderId,
    capabilities: Object.freeze({ ...server.capabilities, ...client.capabilities }),
    hub,
    connect: (token: Token, options: ConnectOptions) => client.connect(token, options),
  })
}
