import type { Participant } from '@callport/core'
import { assertKaleyraUserId } from './kaleyra-user-id'
import type { KaleyraRestClient } from './rest-client'
import { addKaleyraRoomParticipants, createKaleyraRoom, type KaleyraRoom } from './unconfirmed-room-api'

/**
 * Maps Callport rooms to Kaleyra rooms, in this process. Kaleyra generates room ids and creates a
 * room together with its participants, so the Kaleyra room of a Callport room is created when its
 * first token is issued (listing the participants known then) and later participants are added.
 * Operations on one room run one at a time, so concurrent joins never create two Kaleyra rooms.
 */
export interface KaleyraRoomRegistry {
  /** Remembers the Callport room and returns when it was first seen (stable across calls). */
  register(name: string): { createdAt: string }
  /** Makes `participant` a member of the room's Kaleyra room and returns that room's id and the participant's link. */
  membership(name: string, participant: Participant, signal?: AbortSignal): Promise<{ roomId: string; url: string | undefined }>
}

interface RoomRecord {
  createdAt: string
  kaleyra: KaleyraRoom | undefined
  members: Set<string>
}

export function createKaleyraRoomRegistry(options: {
  rest: KaleyraRestClient
  knownParticipants: ((room: string) => Participant[] | Promise<Participant[]>) | undefined
}): KaleyraRoomRegistry {
  const rooms = new Map<string, RoomRecord>()
  const queues = new Map<string, Promise<unknown>>()

  const register = (name: string): RoomRecord => {
    let record = rooms.get(name)
    if (!record) {
      record = { createdAt: new Date().toISOString(), kaleyra: undefined, members: new Set() }
      rooms.set(name, record)
    }
    return record
  }

  function oneAtATime<T>(name: string, task: () => Promise<T>): Promise<T> {
    const result = (queues.get(name) ?? Promise.resolve()).then(task, task)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    queues.set(name, tail)
    void tail.then(() => {
      if (queues.get(name) === tail) queues.delete(name)
    })
    return result
  }

  async function participantsForCreation(name: string, first: Participant): Promise<Participant[]> {
    const known = (await options.knownParticipants?.(name)) ?? []
    const byIdentity = new Map<string, Participant>([[first.identity, first]])
    for (const participant of known) {
      assertKaleyraUserId(participant.identity)
      if (!byIdentity.has(participant.identity)) byIdentity.set(participant.identity, participant)
    }
    return [...byIdentity.values()]
  }

  return {
    register: (name) => ({ createdAt: register(name).createdAt }),
    membership(name, participant, signal) {
      return oneAtATime(name, async () => {
        const record = register(name)
        if (record.kaleyra === undefined) {
          const participants = await participantsForCreation(name, participant)
          record.kaleyra = await createKaleyraRoom(options.rest, { name, participants, ...(signal ? { signal } : {}) })
          for (const member of participants) record.members.add(member.identity)
        } else if (!record.members.has(participant.identity)) {
          const added = await addKaleyraRoomParticipants(options.rest, {
            roomId: record.kaleyra.roomId,
            participants: [participant],
            ...(signal ? { signal } : {}),
          })
          for (const [user, url] of added.userUrls) record.kaleyra.userUrls.set(user, url)
          record.members.add(participant.identity)
        }
        return { roomId: record.kaleyra.roomId, url: record.kaleyra.userUrls.get(participant.identity) }
      })
    },
  }
}
