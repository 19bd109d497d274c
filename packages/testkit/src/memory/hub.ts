import { randomBytes } from 'node:crypto'
import {
  CallportError,
  type ConnectionQuality,
  type DeviceKind,
  type DisconnectReason,
  type MediaDevice,
  type Participant,
  type Room,
  type Token,
  type TrackKind,
  type WebhookRequest,
} from '@callport/core'
import { MemoryRoom, type MemberEndpoint, type Membership, type ParticipantUpdate } from './memory-room'
import { memoryProviderId, participantOfClaims, signMemoryToken, verifyMemoryToken, type MemoryTokenClaims } from './memory-token'
import { signMemoryWebhook } from './memory-webhook'

export interface MemoryHubOptions {
  /** HS256 secret the hub signs tokens with; random by default. */
  secret?: string
  /**
   * The cameras, microphones and speakers the simulated browser has. Default: for each kind a
   * `default` device and a second one (`memory-camera-2`, `memory-microphone-2`, `memory-speaker-2`).
   */
  devices?: readonly MediaDevice[]
}

/** The devices a hub starts with when given none. */
export const defaultMemoryDevices: readonly MediaDevice[] = Object.freeze(
  (['camera', 'microphone', 'speaker'] as const).flatMap((kind): MediaDevice[] => [
    { deviceId: 'default', kind, label: `Memory ${kind} (default)`, groupId: `memory-${kind}-group-1` },
    { deviceId: `memory-${kind}-2`, kind, label: `Memory ${kind} 2`, groupId: `memory-${kind}-group-2` },
  ]),
)

/** Narrows a simulation control to one room. */
export interface MemoryRoomFilter {
  /** App room name; every room when absent. */
  room?: string
}

/**
 * Where memory rooms live: the rooms, their members, and the secret tokens are signed with. Server
 * and client halves that share a hub see each other, as they would through a vendor. The methods
 * below are simulation controls for tests.
 */
export interface MemoryHub {
  /** The HS256 secret memory tokens are signed with. */
  readonly secret: string
  /** The live rooms, in creation order. */
  rooms(): Room[]
  /** The participants connected to `room` (app room name), in join order; empty for a room that is not live. */
  members(room: string): Participant[]
  /**
   * Ends the connections of `identity` as the vendor would: its connection emits `disconnected` with
   * `reason` (`connection-lost` by default) and the others see it leave. Returns how many ended.
   */
  dropConnection(identity: string, reason?: DisconnectReason, filter?: MemoryRoomFilter): number
  /** Ends the connections of `identity` with `token-expired`, as if its token's `exp` had passed now. */
  expireToken(identity: string, filter?: MemoryRoomFilter): number
  /**
   * Makes the connections of `identity` report `quality`: each emits `connection-quality-changed`
   * (`local: true`) and the others in its room see it (`local: false`); nothing when it is the
   * quality already reported. Returns how many connections changed.
   */
  setConnectionQuality(identity: string, quality: ConnectionQuality, filter?: MemoryRoomFilter): number
  /** The cameras, microphones and speakers the simulated browser has now. */
  devices(): MediaDevice[]
  /** Plugs a device in (replacing one with the same kind and id). */
  plugDevice(device: MediaDevice): void
  /**
   * Unplugs a device: every connection capturing from it falls back to the `default` device of its
   * kind and emits `active-device-changed` (`unplugged`). The `default` devices cannot be unplugged
   * (INVALID_INPUT). Returns how many connections fell back.
   */
  unplugDevice(kind: DeviceKind, deviceId: string): number
  /** Closes every room (connections end with `room-closed`), forgets them, cancels every timer, and restores the devices the hub started with. */
  reset(): void
  /**
   * True when `connect` would admit the holder of `token` now: signed by this hub, not expired, its
   * fields as signed, and its room live. The vendor's view of a token, for the conformance suite's
   * `vendor` option.
   */
  acceptsToken(token: Token): boolean
  /**
   * A webhook delivery of `body` (JSON: one `MemoryWebhookPayload` or an array) to `url`, signed with
   * the hub secret as `memory({ hub }).webhook` verifies it.
   */
  signWebhook(delivery: { body: string; url: string }): WebhookRequest
}

/** What the memory adapter needs from a hub beyond the public controls. */
export interface MemoryHubInternals {
  ensureRoom(name: string): Room
  findRoom(name: string): Room | undefined
  /** The live room with this name and providerRoomId; `ROOM_NOT_FOUND` otherwise. */
  liveRoom(room: Pick<Room, 'name' | 'providerRoomId'>): Room
  /** Ends every connection with `room-closed` and forgets the room; false when it was not live. */
  closeRoom(name: string): boolean
  /** Ends the connection of `identity` with `removed`; false when it is not in the room. */
  removeMember(room: string, identity: string): boolean
  /** Tells the connection of `identity` that a moderator muted its `kind`; false when it is not in the room. */
  muteMember(room: string, identity: string, kind: TrackKind): boolean
  /** Changes the name and/or metadata of `identity` (the others see `participant-updated`); false when it is not in the room. */
  updateMember(room: string, identity: string, update: ParticipantUpdate): boolean
  /** True when the simulated browser has that device now. */
  hasDevice(kind: DeviceKind, deviceId: string): boolean
  /** Calls `listener` with each device unplugged from now on; returns the function that stops it. */
  onUnplug(listener: (kind: DeviceKind, deviceId: string) => number): () => void
  issueToken(room: Room, participant: Participant, ttlSeconds: number): Token
  /** A plain function (it uses no `this`), so it can be handed on as a callback. */
  verifyToken: (token: Token) => MemoryTokenClaims
  /** Admits the holder of verified `claims`; `ROOM_NOT_FOUND` when its room is not live. */
  join(claims: MemoryTokenClaims, endpoint: MemberEndpoint): Membership
}

const internals = new WeakMap<MemoryHub, MemoryHubInternals>()

/** Creates a hub: an isolated world of memory rooms. */
export function createMemoryHub(options: MemoryHubOptions = {}): MemoryHub {
  const secret = options.secret ?? randomBytes(32).toString('base64url')
  const rooms = new Map<string, MemoryRoom>()
  const initialDevices = (): MediaDevice[] => (options.devices ?? defaultMemoryDevices).map((device) => ({ ...device }))
  let devices = initialDevices()
  const unplugListeners = new Set<(kind: DeviceKind, deviceId: string) => number>()

  const live = ({ name, providerRoomId }: Pick<Room, 'name' | 'providerRoomId'>): MemoryRoom => {
    const room = rooms.get(name)
    if (room?.room.providerRoomId === providerRoomId) return room
    throw new CallportError('ROOM_NOT_FOUND', `Room "${name}" is not live`, { provider: memoryProviderId })
  }
  const endEverywhere = (identity: string, reason: DisconnectReason, filter: MemoryRoomFilter = {}): number => {
    let ended = 0
    for (const room of rooms.values()) {
      if ((filter.room === undefined || filter.room === room.room.name) && room.end(identity, reason)) ended += 1
    }
    return ended
  }

  const hub: MemoryHub = {
    secret,
    rooms: () => [...rooms.values()].map((room) => room.room),
    members: (name) => rooms.get(name)?.participants() ?? [],
    dropConnection: (identity, reason = 'connection-lost', filter) => endEverywhere(identity, reason, filter),
    expireToken: (identity, filter) => endEverywhere(identity, 'token-expired', filter),
    setConnectionQuality(identity, quality, filter = {}) {
      let changed = 0
      for (const room of rooms.values()) {
        if ((filter.room === undefined || filter.room === room.room.name) && room.setQuality(identity, quality)) changed += 1
      }
      return changed
    },
    devices: () => devices.map((device) => ({ ...device })),
    plugDevice(device) {
      devices = [...devices.filter((known) => known.kind !== device.kind || known.deviceId !== device.deviceId), { ...device }]
    },
    unplugDevice(kind, deviceId) {
      if (deviceId === 'default') throw new CallportError('INVALID_INPUT', 'The default device cannot be unplugged', { provider: memoryProviderId })
      devices = devices.filter((known) => known.kind !== kind || known.deviceId !== deviceId)
      let fellBack = 0
      for (const listener of [...unplugListeners]) fellBack += listener(kind, deviceId)
      return fellBack
    },
    reset() {
      const closing = [...rooms.values()]
      rooms.clear()
      devices = initialDevices()
      for (const room of closing) room.endAll('room-closed')
    },
    acceptsToken(token) {
      try {
        const claims = verifyMemoryToken(secret, token)
        return claims.exp * 1000 > Date.now() && rooms.get(claims.room)?.room.providerRoomId === claims.providerRoomId
      } catch {
        return false
      }
    },
    signWebhook: (delivery) => signMemoryWebhook(secret, delivery),
  }
  internals.set(hub, {
    ensureRoom(name) {
      const existing = rooms.get(name)
      if (existing) return existing.room
      const room = new MemoryRoom(name, memoryProviderId)
      rooms.set(name, room)
      return room.room
    },
    findRoom: (name) => rooms.get(name)?.room,
    liveRoom: (room) => live(room).room,
    closeRoom(name) {
      const room = rooms.get(name)
      if (!room) return false
      rooms.delete(name)
      room.endAll('room-closed')
      return true
    },
    removeMember: (name, identity) => rooms.get(name)?.end(identity, 'removed') ?? false,
    muteMember: (name, identity, kind) => rooms.get(name)?.mute(identity, kind) ?? false,
    updateMember: (name, identity, update) => rooms.get(name)?.update(identity, update) ?? false,
    hasDevice: (kind, deviceId) => devices.some((device) => device.kind === kind && device.deviceId === deviceId),
    onUnplug(listener) {
      unplugListeners.add(listener)
      return () => unplugListeners.delete(listener)
    },
    issueToken(room, participant, ttlSeconds) {
      return signMemoryToken(secret, live(room).room, participant, ttlSeconds)
    },
    verifyToken: (token) => verifyMemoryToken(secret, token),
    join(claims, endpoint) {
      return live({ name: claims.room, providerRoomId: claims.providerRoomId }).join(participantOfClaims(claims), claims.exp, endpoint)
    },
  })
  return hub
}

/** The plumbing of a hub made by `createMemoryHub`. */
export function internalsOf(hub: MemoryHub): MemoryHubInternals {
  const found = internals.get(hub)
  if (!found) throw new CallportError('INVALID_INPUT', 'Not a memory hub: create one with createMemoryHub()', { provider: memoryProviderId })
  return found
}

let processHub: MemoryHub | undefined

/** The hub `memory()` uses when given none: one per process. */
export function defaultMemoryHub(): MemoryHub {
  processHub ??= createMemoryHub()
  return processHub
}
