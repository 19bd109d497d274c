import { describe, expect, it } from 'vitest'
import { roomNameFromVidyoWorks } from '../src/room-link'

describe('VidyoWorks room links and keys → Callport room names', () => {
  it.each([
    ['4IYvN1mIFA', '4IYvN1mIFA'],
    ['  4IYvN1mIFA ', '4IYvN1mIFA'],
    ['https://portal.example.com/join/4IYvN1mIFA', '4IYvN1mIFA'],
    ['https://portal.example.com/flex.html?roomdirect.html&key=4IYvN1mIFA', '4IYvN1mIFA'],
    ['https://portal.example.com/flex.html?roomdirect.html&key=4IYvN1mIFA#guest', '4IYvN1mIFA'],
    ['weekly-sync', 'weekly-sync'],
  ])('%s → %s', (input, room) => {
    expect(roomNameFromVidyoWorks(input)).toBe(room)
  })

  it('refuses what is not a room name', () => {
    expect(() => roomNameFromVidyoWorks('two words')).toThrow()
    expect(() => roomNameFromVidyoWorks('https://portal.example.com/')).toThrow()
  })
})
