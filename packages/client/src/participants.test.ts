import type { Participant } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { createParticipantRoster } from './participants'

const person = (identity: string, name?: string): Participant => ({ identity, role: 'publisher', ...(name ? { name } : {}) })

describe('ParticipantRoster', () => {
  it('adds and removes by identity, saying whether anything changed', () => {
    const roster = createParticipantRoster()
    expect(roster.add(person('bob'))).toBe(true)
    expect(roster.add(person('bob', 'Bob'))).toBe(false)
    expect(roster.list()).toEqual([person('bob', 'Bob')])
    expect(roster.remove(person('bob'))).toBe(true)
    expect(roster.remove(person('bob'))).toBe(false)
  })

  it('updates a known participant in place, and records nobody unknown', () => {
    const roster = createParticipantRoster()
    roster.add(person('bob'))
    roster.add(person('carol'))
    expect(roster.update(person('bob', 'Bob B.'))).toBe(true)
    expect(roster.update(person('zoe', 'Zoe'))).toBe(false)
    expect(roster.list()).toEqual([person('bob', 'Bob B.'), person('carol')])
  })

  it('reconciles to a new list, reporting who left and who joined', () => {
    const roster = createParticipantRoster()
    roster.reconcile([person('bob'), person('carol')])
    const changes = roster.reconcile([person('carol', 'Carol'), person('dave')])
    expect(changes).toEqual({ left: [person('bob')], joined: [person('dave')] })
    expect(roster.list()).toEqual([person('carol', 'Carol'), person('dave')])
  })
})
