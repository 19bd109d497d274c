import { CallportError, throwIfAborted, toCallportError, type Participant, type Room, type Token } from '@callport/core'
import { callAdapter } from './call-adapter'
import { checkTokenTtl, type CallServerConfig } from './options'
import { toParticipant } from './participant'
import { createRoomPlacement, type LiveRoom, type Placement, type RoomPlacement } from './room-placement'

interface IssueOptions {
  ttlSeconds?: number | undefined
  signal?: AbortSignal | undefined
}

/** What the programmatic API and the HTTP API share. */
export interface CallEngine {
  readonly config: CallServerConfig
  readonly placement: RoomPlacement
  /** Runs the app's `authorize`: the participant, or UNAUTHORIZED when it returns null. */
  authorize(request: Request, room: string | undefined): Promise<Participant>
  /**
   * Makes the room live (routing, stickiness, failover) and issues a token for it. A recorded room
   * costs no vendor request for placement; when its vendor room is gone (ROOM_NOT_FOUND) it is created
   * again on the same provider, once.
   */
  join(name: string, participant: Participant, signal?: AbortSignal): Promise<{ placement: Placement; token: Token }>
  /**
   * A token for a live room. When the token names another vendor room than the room's record (a
   * provider that creates its vendor room with the first token), the record is rewritten to it; if
   * another process rewrote it first, the token is issued again for the winner's room.
   */
  issueToken(live: LiveRoom, participant: Participant, options?: IssueOptions): Promise<{ room: Room; token: Token }>
  /** The participants in a live room, or undefined when the provider cannot list them. */
  participants(live: LiveRoom, signal?: AbortSignal): Promise<Participant[] | undefined>
}

export function createCallEngine(config: CallServerConfig): CallEngine {
  const placement = createRoomPlacement({
    adapters: config.adapters,
    route: config.route,
    store: config.store,
    idleSeconds: config.roomIdleSeconds,
    logger: config.logger,
  })

  /** One vendor request: the token, and nothing else. */
  async function issue({ room, adapter }: LiveRoom, participant: Participant, options: IssueOptions): Promise<Token> {
    const ttlSeconds = options.ttlSeconds ?? config.tokenTtlSeconds
    if (options.ttlSeconds !== undefined) checkTokenTtl(adapter, ttlSeconds, 'ttlSeconds')
    throwIfAborted(options.signal)
    return callAdapter(adapter, () => adapter.issueToken({ room, participant, ttlSeconds, signal: options.signal }), {
      operation: 'issueToken',
      room: room.name,
      logger: config.logger,
    })
  }

  const engine: CallEngine = {
    config,
    placement,

    async authorize(request, room) {
      let result: Awaited<ReturnType<CallServerConfig['authorize']>>
      try {
        result = await config.authorize(request, room === undefined ? {} : { room })
      } catch (error) {
        throw toCallportError(error)
      }
      if (result === null || result === undefined) throw new CallportError('UNAUTHORIZED', 'The request is not authorized')
      try {
        return toParticipant(result, 'participant returned by authorize')
      } catch (error) {
        throw new CallportError('INTERNAL', (error as Error).message, { cause: error })
      }
    },

    async join(name, participant, signal) {
      const placed = await placement.place(name, participant, signal)
      try {
        const { room, token } = await engine.issueToken(placed, participant, { signal })
        return { placement: { ...placed, room }, token }
      } catch (error) {
        // The vendor forgot a recorded room (it ended): make it again on the same provider, once.
        if (placed.created || !CallportError.isInstance(error) || error.code !== 'ROOM_NOT_FOUND') throw error
      }
      const recreated = await placement.recreate(name, placed.record, signal)
      const { room, token } = await engine.issueToken(recreated, participant, { signal })
      return { placement: { ...placed, ...recreated, room }, token }
    },

    async issueToken(live, participant, options = {}) {
      const token = await issue(live, participant, options)
      const { record } = live
      if (!record || (token.provider === record.provider && token.providerRoomId === record.providerRoomId)) return { room: live.room, token }
      const won = await placement.rewrite(live.room.name, record, { ...record, providerRoomId: token.providerRoomId })
      if (won.record.provider === token.provider && won.record.providerRoomId === token.providerRoomId) {
        return { room: { ...live.room, providerRoomId: token.providerRoomId }, token }
      }
      return { room: won.room, token: await issue(won, participant, options) }
    },

    async participants({ room, adapter }, signal) {
      if (!adapter.listParticipants) return undefined
      const listParticipants = adapter.listParticipants.bind(adapter)
      return callAdapter(adapter, () => listParticipants({ room, signal }), { operation: 'listParticipants', room: room.name, logger: config.logger })
    },
  }
  return engine
}
