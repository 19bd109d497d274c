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
  type TrackKind,
  type UpdateParticipantOptions,
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
  /**
   * Tells that participant's connection a moderator muted its microphone (`audio`) or camera
   * (`video`): it stops publishing it (`local-track-unpublished`; the others see
   * `track-unsubscribed`) and emits `muted-by-moderator`. `PARTICIPANT_NOT_FOUND` when absent.
   */
  muteParticipant(options: RoomOperationOptions & { identity: string; kind: TrackKind }): Promise<void>
  /**
   * Changes that participant's name and/or metadata: the other connections in the room emit
   * `participant-updated` with the new values, and `localParticipant` and `listParticipants` follow.
   * `PARTICIPANT_NOT_FOUND` when absent.
   */
  updateParticipant(options: UpdateParticipantOptions): Promise<void>
  /** Ends every connection with reason `room-closed` and forgets the room. */
  closeRoom(options: RoomOperationOptions): Promise<void>
  /** Verifies deliveries signed with the hub secret (`hub.signWebhook`) and parses their JSON events. */
  webhook: WebhookHandler
  connect(token: Token, options: ConnectOptions): Promise<MemoryConnection>
  /** Checks the token (when given) as `connect` would, and joins nothing: the memory provider has nothing to load. */
  prepare(token: Token | undefined, options?: { signal?: AbortSignal }): Promise<void>
}

const vendor = 'Memory'

const clientCapabilities: ClientCapabilities = {
  media: 'tracks',
  updateToken: true,
  sendData: true,
  trackMuteEvents: true,
  localTracks: true,
  // The speaker of a tracks provider is switched by the session (setSinkId on the elements).
  switchDevice: ['camera', 'microphone'],
  screenShare: true,
  screenShareAudio: true,
  activeSpeakers: true,
  connectionQuality: true,
  participantUpdates: true,
  remoteMute: true,
  prepare: true,
}

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
    async muteParticipant({ room, identity, kind }) {
      if (!rooms.muteMember(rooms.liveRoom(room).name, identity, kind)) {
        throw new CallportError('PARTICIPANT_NOT_FOUND', `"${identity}" is not in room "${room.name}"`, { provider: memoryProviderId })
      }
    },
    async updateParticipant({ room, identity, name, metadata }) {
      // defineServerAdapter has checked the name and metadata.
      const update = { ...(name === undefined ? {} : { name }), ...(metadata === undefined ? {} : { metadata }) }
      if (!rooms.updateMember(rooms.liveRoom(room).name, identity, update)) {
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
      const connection = new MemoryConnection({
        join: (endpoint) => rooms.join(claims, endpoint),
        verifyToken: rooms.verifyToken,
        devices: { has: (kind, deviceId) => rooms.hasDevice(kind, deviceId), onUnplug: (listener) => rooms.onUnplug(listener) },
      })
      connection.publishInitial(options)
      return connection
    },
    async prepare(request) {
      if (request) rooms.verifyToken(request.token)
    },
  })

  return Object.assign(server as MemoryProvider, {
    provider: memoryProviderId,
    capabilities: Object.freeze({ ...server.capabilities, ...client.capabilities }),
    hub,
    connect: (token: Token, options: ConnectOptions) => client.connect(token, options),
    prepare: (token: Token | undefined, options?: { signal?: AbortSignal }) => client.prepare!(token, options),
  })
}
