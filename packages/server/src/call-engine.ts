import { CallportError, throwIfAborted, toCallportError, type Participant, type Token } from '@callport/core'
import { callAdapter } from './call-adapter'
import { checkTokenTtl, type CallServerConfig } from './options'
import { toParticipant } from './participant'
import { createRoomPlacement, type LiveRoom, type Placement, type RoomPlacement } from './room-placement'

/** What the programmatic API and the HTTP API share. */
export interface CallEngine {
  readonly config: CallServerConfig
  readonly placement: RoomPlacement
  /** Runs the app's `authorize`: the participant, or UNAUTHORIZED when it returns null. */
  authorize(request: Request, room: string | undefined): Promise<Participant>
  /** Makes the room live (routing, stickiness, failover) and issues a token for it. */
  join(name: string, participant: Participant, signal?: AbortSignal): Promise<{ placement: Placement; token: Token }>
  issueToken(live: LiveRoom, participant: Participant, options?: { ttlSeconds?: number | undefined; signal?: AbortSignal | undefined }): Promise<Token>
  /** The participants in a live room, or undefined when the provider cannot list them. */
  participants(live: LiveRoom, signal?: AbortSignal): Promise<Participant[] | undefined>
}

export function createCallEngine(config: CallServerConfig): CallEngine {
  const placement = createRoomPlacement({ adapters: config.adapters, route: config.route, store: config.store })

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
      const token = await engine.issueToken(placed, participant, { signal })
      return { placement: placed, token }
    },

    async issueToken({ room, adapter }, participant, options = {}) {
      const ttlSeconds = options.ttlSeconds ?? config.tokenTtlSeconds
      if (options.ttlSeconds !== undefined) checkTokenTtl(adapter, ttlSeconds, 'ttlSeconds')
      throwIfAborted(options.signal)
      return callAdapter(adapter, () => adapter.issueToken({ room, participant, ttlSeconds, signal: options.signal }))
    },

    async participants({ room, adapter }, signal) {
      if (!adapter.listParticipants) return undefined
      const listParticipants = adapter.listParticipants.bind(adapter)
      return callAdapter(adapter, () => listParticipants({ room, signal }))
    },
  }
  return engine
}
