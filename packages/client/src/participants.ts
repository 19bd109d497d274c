import type { Participant } from '@callport/core'

/** The remote participants the app has been told about, by identity. */
export class ParticipantRoster {
  readonly #byIdentity = new Map<string, Participant>()

  list(): Participant[] {
    return [...this.#byIdentity.values()]
  }

  /** Records `participant`; true when the identity is new. */
  add(participant: Participant): boolean {
    const isNew = !this.#byIdentity.has(participant.identity)
    this.#byIdentity.set(participant.identity, participant)
    return isNew
  }

  /** Forgets `participant`; true when the identity was known. */
  remove(participant: Participant): boolean {
    return this.#byIdentity.delete(participant.identity)
  }

  /** Makes the roster equal `current` and says who left and who joined to get there. */
  reconcile(current: readonly Participant[]): { left: Participant[]; joined: Participant[] } {
    const present = new Set(current.map((participant) => participant.identity))
    const left = this.list().filter((participant) => !present.has(participant.identity))
    for (const participant of left) this.remove(participant)
    const joined = current.filter((participant) => this.add(participant))
    return { left, joined }
  }
}
