import type { Participant } from '@callport/core'

/** The remote participants the app has been told about, by identity. */
export interface ParticipantRoster {
  list(): Participant[]
  /** Records `participant`; true when the identity is new. */
  add(participant: Participant): boolean
  /** Replaces a known participant (a new name or metadata); false, and nothing recorded, for an identity not known. */
  update(participant: Participant): boolean
  /** Forgets `participant`; true when the identity was known. */
  remove(participant: Participant): boolean
  /** Makes the roster equal `current` and says who left and who joined to get there. */
  reconcile(current: readonly Participant[]): { left: Participant[]; joined: Participant[] }
}

export function createParticipantRoster(): ParticipantRoster {
  const byIdentity = new Map<string, Participant>()
  const roster: ParticipantRoster = {
    list: () => [...byIdentity.values()],
    add(participant) {
      const isNew = !byIdentity.has(participant.identity)
      byIdentity.set(participant.identity, participant)
      return isNew
    },
    update: (participant) => byIdentity.has(participant.identity) && !!byIdentity.set(participant.identity, participant),
    remove: (participant) => byIdentity.delete(participant.identity),
    reconcile(current) {
      const present = new Set(current.map((participant) => participant.identity))
      const left = roster.list().filter((participant) => !present.has(participant.identity))
      for (const participant of left) roster.remove(participant)
      const joined = current.filter((participant) => roster.add(participant))
      return { left, joined }
    },
  }
  return roster
}
