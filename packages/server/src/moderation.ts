import { CallportError, throwIfAborted, type Metadata, type Participant, type ServerAdapter, type TrackKind } from '@callport/core'
import { callAdapter } from './call-adapter'
import type { CallEngine } from './call-engine'
import type { RateLimiter } from './rate-limit'
import type { LiveRoom } from './room-placement'

/** What a moderator asks for. */
export type ModerationAction = 'list-participants' | 'remove-participant' | 'mute-participant' | 'update-participant' | 'close-room'

/** What `update-participant` changes: at least one of the two. */
export interface ParticipantChanges {
  /** The new display name. */
  name?: string
  /** The new metadata, replacing the old object whole. */
  metadata?: Metadata
}

/** What the `moderation` policy is asked about. */
export interface ModerationRequest {
  action: ModerationAction
  /** The app's room name. */
  room: string
  /** Who asks: the participant `authorize(request, { room })` returned for that room, or the `actor` a programmatic call passed. */
  actor: Participant
  /** The participant acted on (`remove-participant`, `mute-participant`, `update-participant`). */
  identity?: string
  /** What is muted (`mute-participant`). */
  kind?: TrackKind
  /** What is changed (`update-participant`). */
  changes?: ParticipantChanges
}

/**
 * Decides whether `actor` may do `action` in `room`: true allows it, false refuses it (403 FORBIDDEN).
 * It may also throw a CallportError of its own. Default: {@link defaultModerationPolicy}.
 */
export type ModerationPolicy = (request: ModerationRequest) => boolean | Promise<boolean>

/** The default policy: moderators of the room (`role: 'moderator'` as `authorize` returned it for that room) may do everything. */
export const defaultModerationPolicy: ModerationPolicy = ({ actor }) => actor.role === 'moderator'

/** Which adapter method (and capability flag) serves each action. */
const methodOf = {
  'list-participants': 'listParticipants',
  'remove-participant': 'removeParticipant',
  'mute-participant': 'muteParticipant',
  'update-participant': 'updateParticipant',
  'close-room': 'closeRoom',
} as const satisfies Record<ModerationAction, keyof ServerAdapter & keyof ServerAdapter['capabilities']>

export interface ModerationCommand {
  action: ModerationAction
  room: string
  /** Absent for trusted server code: the policy is not asked, and no rate limit applies. */
  actor?: Participant | undefined
  identity?: string | undefined
  kind?: TrackKind | undefined
  changes?: ParticipantChanges | undefined
  signal?: AbortSignal | undefined
}

/** The moderation operations, shared by the programmatic API and the HTTP routes. */
export interface Moderation {
  listParticipants(command: ModerationCommand): Promise<Participant[]>
  /** Removes, mutes, updates or closes; resolves when the provider did it. */
  act(command: ModerationCommand): Promise<void>
}

/** One `moderation` rate limit hit per acting identity. */
async function allow(engine: CallEngine, limiter: RateLimiter, command: ModerationCommand): Promise<void> {
  const { actor, action, room } = command
  if (actor === undefined) return
  await limiter.check('moderation', actor.identity, { room, identity: actor.identity })
  const request: ModerationRequest = {
    action,
    room,
    actor,
    ...(command.identity === undefined ? {} : { identity: command.identity }),
    ...(command.kind === undefined ? {} : { kind: command.kind }),
    ...(command.changes === undefined ? {} : { changes: command.changes }),
  }
  let allowed: boolean
  try {
    allowed = await engine.config.moderation(request)
  } catch (error) {
    throw CallportError.isInstance(error) ? error : new CallportError('INTERNAL', 'The moderation policy failed', { cause: error })
  }
  if (allowed !== true) throw new CallportError('FORBIDDEN', `${actor.identity} may not ${action.replace('-', ' ')} in room "${room}"`)
}

function unsupported(live: LiveRoom, action: ModerationAction): CallportError {
  const method = methodOf[action]
  return new CallportError(
    'UNSUPPORTED',
    `Provider "${live.adapter.provider}" of room "${live.room.name}" cannot ${action.replace('-', ' ')} (capabilities.${method} is false)`,
    {
      provider: live.adapter.provider,
    },
  )
}

/**
 * Moderation: the policy (when an actor is given), then the live room (ROOM_NOT_FOUND), then the
 * provider's capability (UNSUPPORTED), then one adapter call, logged as every adapter call is.
 */
export function createModeration(engine: CallEngine, limiter: RateLimiter): Moderation {
  const { placement, config } = engine

  async function liveRoom(command: ModerationCommand): Promise<LiveRoom> {
    await allow(engine, limiter, command)
    throwIfAborted(command.signal)
    const live = await placement.live(command.room, command.signal)
    if (!live) throw new CallportError('ROOM_NOT_FOUND', `Room "${command.room}" is not live`)
    if (!live.adapter.capabilities[methodOf[command.action]] || typeof live.adapter[methodOf[command.action]] !== 'function') throw unsupported(live, command.action)
    return live
  }

  return {
    async listParticipants(command) {
      const live = await liveRoom(command)
      const participants = await engine.participants(live, command.signal)
      if (participants === undefined) throw unsupported(live, command.action)
      return participants
    },

    async act(command) {
      if (command.action === 'close-room') {
        await liveRoom(command)
        await placement.close(command.room, command.signal)
        return
      }
      const live = await liveRoom(command)
      const { room, adapter } = live
      const { identity, signal } = command
      if (identity === undefined) throw new CallportError('INVALID_INPUT', 'identity is required')
      const context = { operation: methodOf[command.action], room: room.name, logger: config.logger }
      if (command.action === 'remove-participant') {
        const removeParticipant = adapter.removeParticipant!.bind(adapter)
        await callAdapter(adapter, () => removeParticipant({ room, identity, signal }), context)
        return
      }
      if (command.action === 'update-participant') {
        const { changes } = command
        if (changes === undefined || (changes.name === undefined && changes.metadata === undefined)) throw new CallportError('INVALID_INPUT', 'name or metadata is required')
        const updateParticipant = adapter.updateParticipant!.bind(adapter)
        await callAdapter(adapter, () => updateParticipant({ room, identity, ...changes, signal }), context)
        return
      }
      const { kind } = command
      if (kind === undefined) throw new CallportError('INVALID_INPUT', 'kind is required')
      const muteParticipant = adapter.muteParticipant!.bind(adapter)
      await callAdapter(adapter, () => muteParticipant({ room, identity, kind, signal }), context)
    },
  }
}
