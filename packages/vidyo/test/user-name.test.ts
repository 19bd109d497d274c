import { IDENTITY_MAXIMUM_LENGTH, IdentitySchema } from '@callport/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { identityOfVidyoUserName, vidyoUserNameOf } from '../src/shared/user-name'

/** Characters an identity may hold, weighted towards the ones the mapping treats specially. */
const character = fc.oneof(
  fc.constantFrom('Z', '-', '.', '_', '~', '@', ' ', '+', 'x', 'y', 'h', 'd', 'u', 't', '0', 'f'),
  fc.constantFrom(...'ABCXYZabcxyz0129'),
  fc.constantFrom('é', 'ë', 'ß', 'Ж', '中', '٣', '𝒜', '𠀀'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
)
const identity = fc
  .array(character, { minLength: 1, maxLength: 40 })
  .map((characters) => characters.join('').slice(0, IDENTITY_MAXIMUM_LENGTH))
  .filter((value) => IdentitySchema.safeParse(value).success)

describe('identity ↔ Vidyo user name', () => {
  it('passes letters and digits without Z through unchanged, so existing user names stay', () => {
    expect(vidyoUserNameOf('alice')).toBe('alice')
    expect(vidyoUserNameOf('user1')).toBe('user1')
    expect(identityOfVidyoUserName('alice')).toBe('alice')
  })

  it.each([
    ['alice.smith', 'aliceZdsmith'],
    ['Alice Smith', 'AliceZx0020Smith'],
    ['3f2b8c1e-9d4a-4c7b-8e21-5a6f0d9c2b7e', '3f2b8c1eZh9d4aZh4c7bZh8e21Zh5a6f0d9c2b7e'],
    ['zoë', 'zoZx00eb'],
    ['ada@example.com', 'adaZx0040exampleZdcom'],
    ['Zed', 'ZZed'],
  ])('writes %s as %s and reads it back', (who, userName) => {
    expect(vidyoUserNameOf(who)).toBe(userName)
    expect(identityOfVidyoUserName(userName)).toBe(who)
  })

  it('is alphanumeric and invertible for every identity, hence injective', () => {
    fc.assert(
      fc.property(identity, (who) => {
        const userName = vidyoUserNameOf(who)
        expect(userName).toMatch(/^[A-Za-z0-9]+$/)
        expect(identityOfVidyoUserName(userName)).toBe(who)
      }),
      { numRuns: 2000 },
    )
  })

  it('maps two different identities to two different user names', () => {
    fc.assert(
      fc.property(identity, identity, (first, second) => {
        fc.pre(first !== second)
        expect(vidyoUserNameOf(first)).not.toBe(vidyoUserNameOf(second))
      }),
      { numRuns: 2000 },
    )
  })

  it('keeps a user name it never produces as it is (a user another system issued a token for)', () => {
    for (const userName of ['Z', 'Zq', 'Zx00', 'Zx0041', 'Zyffffff', 'user1Z']) expect(identityOfVidyoUserName(userName)).toBe(userName)
  })
})
