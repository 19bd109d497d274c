import { CallportError, RoomNameSchema, type CompatContext } from '@callport/core'
import type { CallEngine } from './call-engine'
import { toParticipant } from './participant'
import { validateInput } from './validate-input'

/** Offers a request to the enabled compatibility route sets, in the order they were enabled. */
export type CompatRoutes = (request: Request, path: string) => Promise<Response | undefined>

export function createCompatRoutes(engine: CallEngine): CompatRoutes {
  const sets = engine.config.compat
  return async (request, path) => {
    for (const { adapter, handler } of sets) {
      const context: CompatContext = {
        async authorize() {
          try {
            return await engine.authorize(request, undefined)
          } catch (error) {
            if (CallportError.isInstance(error) && error.code === 'UNAUTHORIZED') return null
            throw error
          }
        },
        async ensureRoom(name) {
          const room = validateInput(RoomNameSchema, name, 'room name')
          return (await engine.placement.placeOn(adapter, room, request.signal)).room
        },
        async issueToken(room, participant) {
          if (room.provider !== adapter.provider) {
            throw new CallportError('INVALID_INPUT', `Room "${room.name}" is on provider "${room.provider}", not "${adapter.provider}"`)
          }
          return engine.issueToken({ room, adapter }, toParticipant(participant), { signal: request.signal })
        },
      }
      const response = await handler(request, path, context)
      if (response) return response
    }
    return undefined
  }
}
