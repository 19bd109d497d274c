import { EventEmitter, type ConnectionEvents } from '@callport/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Member } from '../../src/shared/protocol'
import type { PeerLink } from '../../src/client/peer-link'
import type { RemoteMember } from '../../src/client/remote-member'
import { RoomRoster } from '../../src/client/room-roster'

/** Stands in for a PeerLink: the roster reads `alive` and `reusable`, sets `polite`, resumes and closes it. */
class FakeLink {
  alive = true
  polite = false
  closed = false
  readonly receive = vi.fn()
  readonly resume = vi.fn(async () => true)
  get reusable() {
    return this.alive
  }
  close() {
    this.closed = true
    this.alive = false
  }
}

const member = (id: string, name: string, props: Member['join_props'] = {}): Member => ({ id, name, role: 'publisher', join_props: props })

function setup(options: { identity?: string; graceMilliseconds?: number; withWebrtc?: boolean } = {}) {
  const events = new EventEmitter<ConnectionEvents>()
  const log: string[] = []
  events.on('participant-joined', ({ participant }) => log.push(`joined ${participant.identity}`))
  events.on('participant-left', ({ participant }) => log.push(`left ${participant.identity}`))
  const links: FakeLink[] = []
  const roster = new RoomRoster({
    identity: options.identity ?? 'ada',
    graceMilliseconds: options.graceMilliseconds ?? 1000,
    events,
    connect: (_remote: RemoteMember) => {
      if (options.withWebrtc === false) return undefined
      const link = new FakeLink()
      links.push(link)
      return link as unknown as PeerLink
    },
  })
  return { roster, log, links, events }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('RoomRoster', () => {
  it('makes exactly one side of each link polite, from the member ids', () => {
    const ada = setup({ identity: 'ada' })
    const grace = setup({ identity: 'grace' })
    ada.roster.setLocalId('m-ada')
    grace.roster.setLocalId('m-grace')
    ada.roster.join(member('m-grace', 'grace'), undefined)
    grace.roster.join(member('m-ada', 'ada'), undefined)
    expect(ada.links[0]!.polite).toBe(true)
    expect(grace.links[0]!.polite).toBe(false)
    // The ids decide, not the identities: with a larger id the same client is the impolite side.
    ada.roster.setLocalId('z-ada')
    expect(ada.links[0]!.polite).toBe(false)
  })

  it('keeps a member whose socket left while its peer connection works, and rebinds it when it re-joins', () => {
    const { roster, log, links } = setup()
    roster.setLocalId('m-ada')
    roster.join(member('m1', 'grace'), undefined)
    roster.leave('m1', undefined)
    expect(roster.participants().map((participant) => participant.identity)).toEqual(['grace'])
    roster.join(member('m2', 'grace', { display_name: 'Grace' }), undefined)
    vi.advanceTimersByTime(5000)
    expect(log).toEqual(['joined grace'])
    expect(links).toHaveLength(1)
    expect(links[0]!.closed).toBe(false)
    expect(roster.participants()).toEqual([expect.objectContaining({ identity: 'grace', name: 'Grace', providerParticipantId: 'm2' })])
    // Back on a new socket: the link carries on (it decides itself whether anything needs sending).
    expect(links[0]!.resume).toHaveBeenCalledOnce()
    roster.signal('m2', { candidate: { candidate: 'c' } })
    expect(links[0]!.receive).toHaveBeenCalledWith({ candidate: { candidate: 'c' } })
  })

  it('reports the member as left when the grace period ends without it', () => {
    const { roster, log, links } = setup({ graceMilliseconds: 1000 })
    roster.join(member('m1', 'grace'), undefined)
    roster.leave('m1', undefined)
    vi.advanceTimersByTime(999)
    expect(log).toEqual(['joined grace'])
    vi.advanceTimersByTime(1)
    expect(log).toEqual(['joined grace', 'left grace'])
    expect(links[0]!.closed).toBe(true)
  })

  it('reports the member as left at once when its peer connection no longer works', () => {
    const { roster, log, links } = setup()
    roster.join(member('m1', 'grace'), undefined)
    roster.join(member('m2', 'alan'), undefined)
    links[0]!.alive = false
    roster.leave('m1', undefined)
    expect(log).toEqual(['joined grace', 'joined alan', 'left grace'])
    roster.leave('m2', undefined)
    expect(log).toHaveLength(3)
    links[1]!.alive = false
    roster.checkHealth(roster.get('m2')!)
    expect(log).toEqual(['joined grace', 'joined alan', 'left grace', 'left alan'])
  })

  it('reports left at once without WebRTC (no peer connection to keep)', () => {
    const { roster, log } = setup({ withWebrtc: false })
    roster.join(member('m1', 'grace'), undefined)
    roster.leave('m1', undefined)
    expect(log).toEqual(['joined grace', 'left grace'])
  })

  it('syncs a re-join: keeps working links, renews dead ones, suspends the missing and announces the new', () => {
    const { roster, log, links } = setup({ graceMilliseconds: 1000 })
    roster.sync([member('m1', 'grace'), member('m2', 'alan'), member('m3', 'edsger'), member('m6', 'kurt')], undefined, false)
    expect(log).toEqual([])
    links[1]!.alive = false
    links[3]!.alive = false
    const kept = roster.sync([member('m1', 'grace'), member('m9', 'alan'), member('m4', 'barbara'), member('m5', 'ada')], undefined, true)
    expect(kept.map((remote) => remote.member.name)).toEqual(['grace'])
    // kurt is missing and its link is dead: gone at once. edsger is missing but its link works: it
    // may just not have re-joined yet (a restarted server lists only those back before this client).
    expect(log).toEqual(['joined barbara', 'left kurt'])
    expect(links[1]!.closed).toBe(true)
    expect(links[2]!.closed).toBe(false)
    expect(roster.get('m9')?.link).toBe(links[4])
    expect(roster.get('m4')?.link).toBe(links[5])
    expect(roster.participants().map((participant) => participant.identity)).toEqual(['grace', 'edsger', 'alan', 'barbara'])
    vi.advanceTimersByTime(1000)
    expect(log).toEqual(['joined barbara', 'left kurt', 'left edsger'])
    expect(links[2]!.closed).toBe(true)
  })

  it('rebinds a member missing from a re-join when it re-joins within the grace period, keeping its link', () => {
    const { roster, log, links } = setup({ graceMilliseconds: 1000 })
    roster.setLocalId('m-ada')
    roster.sync([member('m1', 'grace')], undefined, false)
    roster.setLocalId('n-ada')
    expect(roster.sync([], undefined, true)).toEqual([])
    roster.join(member('n1', 'grace'), undefined)
    vi.advanceTimersByTime(5000)
    expect(log).toEqual([])
    expect(links).toHaveLength(1)
    expect(links[0]!.closed).toBe(false)
    expect(links[0]!.resume).toHaveBeenCalledOnce()
    expect(roster.get('n1')?.link).toBe(links[0])
  })

  it('hands an offer from a replaced peer connection to a new link, keeping the member', () => {
    const { roster, log, links } = setup()
    roster.join(member('m1', 'grace'), undefined)
    const grace = roster.get('m1')!
    roster.replaceLink(grace, { description: { type: 'offer', sdp: 'v=0' } })
    expect(links[0]!.closed).toBe(true)
    expect(grace.link).toBe(links[1])
    expect(links[1]!.receive).toHaveBeenCalledWith({ description: { type: 'offer', sdp: 'v=0' } })
    expect(log).toEqual(['joined grace'])
  })

  it('keys a member announced under another id (VT on_join) by member.id, and finds it by either id until it leaves', () => {
    const { roster, log, links } = setup({ withWebrtc: true, graceMilliseconds: 0 })
    roster.join(member('WbaqzsMXqeQiwuoa', '_VT_MNG_RCV_'), undefined, 'EawLi6fQ9jKByY/R46TRSyVHsKY=')
    expect(roster.get('WbaqzsMXqeQiwuoa')?.id).toBe('WbaqzsMXqeQiwuoa')
    expect(roster.get('EawLi6fQ9jKByY/R46TRSyVHsKY=')).toBe(roster.get('WbaqzsMXqeQiwuoa'))
    roster.setProps('EawLi6fQ9jKByY/R46TRSyVHsKY=', { display_name: 'Receiver' }, undefined)
    expect(roster.participants()).toEqual([{ identity: '_VT_MNG_RCV_', name: 'Receiver', role: 'publisher', providerParticipantId: 'WbaqzsMXqeQiwuoa' }])
    roster.signal('EawLi6fQ9jKByY/R46TRSyVHsKY=', { candidate: { candidate: 'c' } })
    expect(links[0]!.receive).toHaveBeenCalledOnce()
    roster.leave('EawLi6fQ9jKByY/R46TRSyVHsKY=', undefined)
    expect(log).toEqual(['joined _VT_MNG_RCV_', 'left _VT_MNG_RCV_'])
    expect(roster.get('EawLi6fQ9jKByY/R46TRSyVHsKY=')).toBeUndefined()
  })
})
