import { CallportError, type Metadata, type Participant, type Room, type ServerAdapter, type Token, type TrackKind, type WebhookHandler } from '@callport/core'

export interface StubAdapterOptions {
  tokenTtlSeconds?: { min: number; max: number }
  /** Declare and implement getRoom / listParticipants / closeRoom. Default true. */
  optionalMethods?: boolean
  /** Declare and implement removeParticipant / muteParticipant / updateParticipant (on `members`). Default false. */
  moderation?: boolean
  webhook?: WebhookHandler
}

/**
 * A spy server adapter whose failures tests switch on and off. Tests that only need a working
 * provider use `memory()` from `@callport/testkit` instead; this stub stays for tests that read
 * what the server asked (`ensured`, `issued`), inject failures or delays, need several provider ids,
 * or need a webhook handler of their own.
 */
export interface StubAdapter extends ServerAdapter {
  /** Rooms created on this stub, by name. */
  readonly rooms: Map<string, Room>
  /** Participants listed per room. */
  readonly members: Map<string, Participant[]>
  /** Names passed to ensureRoom, in order. */
  readonly ensured: string[]
  /** Issued tokens, in order, with the ttl asked for. */
  readonly issued: { token: Token; ttlSeconds: number }[]
  /** When set, ensureRoom throws what this returns (if anything). */
  failEnsure: ((name: string) => Error | undefined) | undefined
  /** When set, ensureRoom waits for this before answering. */
  delayEnsure: ((signal: AbortSignal | undefined) => Promise<void>) | undefined
  /** When set, issueToken throws what this returns (if anything). */
  failIssue: ((room: Room) => Error | undefined) | undefined
  /** Mutes asked for (with `moderation`), in order. */
  readonly muted: { room: string; identity: string; kind: TrackKind }[]
  /** Updates asked for (with `moderation`), in order, as the adapter received them. */
  readonly updated: { room: string; identity: string; name?: string; metadata?: Metadata }[]
}

export function stubAdapter(provider: string, options: StubAdapterOptions = {}): StubAdapter {
  const optional = options.optionalMethods ?? true
  const rooms = new Map<string, Room>()
  const members = new Map<string, Participant[]>()
  let sequence = 0
  const adapter: StubAdapter = {
    specificationVersion: 'v1',
    provider,
    capabilities: {
      getRoom: optional,
      listParticipants: optional,
      removeParticipant: options.moderation ?? false,
      muteParticipant: options.moderation ?? false,
      updateParticipant: options.moderation ?? false,
      closeRoom: optional,
      webhooks: options.webhook !== undefined,
      tokenTtlSeconds: options.tokenTtlSeconds ?? { min: 1, max: 86_400 },
    },
    rooms,
    members,
    ensured: [],
    issued: [],
    failEnsure: undefined,
    delayEnsure: undefined,
    failIssue: undefined,
    muted: [],
    updated: [],
    async ensureRoom({ name, signal }) {
      adapter.ensured.push(name)
      await adapter.delayEnsure?.(signal)
      const failure = adapter.failEnsure?.(name)
      if (failure) throw failure
      let room = rooms.get(name)
      if (!room) {
        sequence += 1
        room = { name, provider, providerRoomId: `${provider}-${name}-${sequence}`, createdAt: new Date().toISOString() }
        rooms.set(name, room)
      }
      return room
    },
    async issueToken({ room, participant, ttlSeconds }) {
      const failure = adapter.failIssue?.(room)
      if (failure) throw failure
      const token: Token = {
        provider,
        room: room.name,
        providerRoomId: room.providerRoomId,
        identity: participant.identity,
        value: `${provider}.${room.providerRoomId}.${participant.identity}`,
        expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
        connect: { url: `stub://${provider}` },
      }
      adapter.issued.push({ token, ttlSeconds })
      return token
    },
    ...(options.webhook ? { webhook: options.webhook } : {}),
  }
  if (optional) {
    adapter.getRoom = async ({ name }) => rooms.get(name) ?? null
    adapter.listParticipants = async ({ room }) => members.get(room.name) ?? []
    adapter.closeRoom = async ({ room }) => {
      rooms.delete(room.name)
    }
  }
  if (options.moderation) {
    const member = (room: Room, identity: string): Participant[] => {
      const listed = members.get(room.name) ?? []
      if (!listed.some((participant) => participant.identity === identity)) {
        throw new CallportError('PARTICIPANT_NOT_FOUND', `${identity} is not in ${room.name}`, { provider, vendor: { status: 404, body: { message: 'no such participant' } } })
      }
      return listed
    }
    adapter.removeParticipant = async ({ room, identity }) => {
      members.set(
        room.name,
        member(room, identity).filter((participant) => participant.identity !== identity),
      )
    }
    adapter.muteParticipant = async ({ room, identity, kind }) => {
      member(room, identity)
      adapter.muted.push({ room: room.name, identity, kind })
    }
    adapter.updateParticipant = async ({ room, identity, name, metadata }) => {
      member(room, identity)
      adapter.updated.push({ room: room.name, identity, ...(name !== undefined && { name }), ...(metadata !== undefined && { metadata }) })
    }
  }
  return adapter
}

/** A retryable vendor failure, as an adapter reports a 503. */
export function unavailable(provider: string): CallportError {
  return new CallportError('PROVIDER_UNAVAILABLE', `${provider} is down`, { provider, vendor: { status: 503, body: { message: 'down' } } })
}

/** A non-retryable vendor refusal, as an adapter reports a 400. */
export function rejected(provider: string): CallportError {
  return new CallportError('PROVIDER_REJECTED', `${provider} refused`, { provider, vendor: { status: 400, body: { message: 'bad' } } })
}

export const alice = { identity: 'alice', name: 'Alice' } as const

/** A POST with a JSON body. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
}
