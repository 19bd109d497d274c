import { afterEach, describe, expect, it, vi } from 'vitest'
import { MemoryTrack } from './memory-track'

const element = (label: string) => ({ label }) as unknown as HTMLMediaElement

describe('MemoryTrack', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('derives its kind from its source and carries no media', () => {
    expect(new MemoryTrack('track_1', 'camera')).toMatchObject({ id: 'track_1', kind: 'video', source: 'camera', mediaStreamTrack: undefined })
    expect(new MemoryTrack('track_2', 'microphone').kind).toBe('audio')
  })

  it('attach(element) records and returns the element, once', () => {
    const track = new MemoryTrack('track_1', 'camera')
    const first = element('first')
    expect(track.attach(first)).toBe(first)
    track.attach(first)
    expect(track.attachedElements).toEqual([first])
  })

  it('detach(element) forgets that element; detach() forgets all', () => {
    const track = new MemoryTrack('track_1', 'camera')
    const [first, second, stranger] = [element('first'), element('second'), element('stranger')]
    track.attach(first)
    track.attach(second)
    expect(track.detach(stranger)).toEqual([])
    expect(track.detach(first)).toEqual([first])
    expect(track.attachedElements).toEqual([second])
    expect(track.detach()).toEqual([second])
    expect(track.attachedElements).toEqual([])
  })

  it('attach() with no element and no document throws UNSUPPORTED', () => {
    expect(typeof document).toBe('undefined')
    expect(() => new MemoryTrack('track_1', 'camera').attach()).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }))
  })

  it('attach() with no element creates a <video> or <audio> element where a document exists', () => {
    const createElement = vi.fn((tag: string) => element(tag))
    vi.stubGlobal('document', { createElement })
    const video = new MemoryTrack('track_1', 'camera').attach()
    const audio = new MemoryTrack('track_2', 'microphone').attach()
    expect(createElement.mock.calls).toEqual([['video'], ['audio']])
    expect(video).toEqual(element('video'))
    expect(audio).toEqual(element('audio'))
  })
})
