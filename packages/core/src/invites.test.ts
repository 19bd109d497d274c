import { describe, expect, it } from 'vitest'
import { httpStatusOfCode, InviteRequestSchema, InviteSchema } from './index'

const invite = {
  id: 'inv_1',
  from: 'alice',
  to: 'bob',
  room: 'standup',
  status: 'ringing',
  attempts: 1,
  createdAt: '2026-11-21T12:00:00.000Z',
  expiresAt: '2026-11-21T12:00:30.000Z',
}

describe('invites', () => {
  it('InviteSchema takes an invite and refuses an unknown status, a bad room or a negative attempt count', () => {
    expect(InviteSchema.parse(invite)).toEqual(invite)
    expect(InviteSchema.parse({ ...invite, status: 'missed', settledAt: '2026-11-21T12:00:30.000Z' }).status).toBe('missed')
    expect(InviteSchema.safeParse({ ...invite, status: 'ringing-loudly' }).success).toBe(false)
    expect(InviteSchema.safeParse({ ...invite, room: 'no spaces' }).success).toBe(false)
    expect(InviteSchema.safeParse({ ...invite, attempts: -1 }).success).toBe(false)
    expect(InviteSchema.safeParse({ ...invite, expiresAt: 'tomorrow' }).success).toBe(false)
  })

  it('InviteRequestSchema needs a callee identity and a room name', () => {
    expect(InviteRequestSchema.parse({ to: 'bob', room: 'standup' })).toEqual({ to: 'bob', room: 'standup' })
    expect(InviteRequestSchema.safeParse({ to: '', room: 'standup' }).success).toBe(false)
    expect(InviteRequestSchema.safeParse({ room: 'standup' }).success).toBe(false)
  })

  it('a settled invite is a conflict: CONFLICT crosses HTTP as 409', () => {
    expect(httpStatusOfCode.CONFLICT).toBe(409)
  })
})
