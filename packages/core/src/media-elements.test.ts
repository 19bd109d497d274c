import { afterEach, describe, expect, it, vi } from 'vitest'
import { MediaElements } from './index'

class FakeMediaStream {
  constructor(readonly tracks: unknown[]) {}
}

function fakeElement() {
  return { autoplay: false, playsInline: false, srcObject: null as unknown, play: vi.fn(() => Promise.reject(new Error('autoplay refused'))) }
}
const asElement = (value: ReturnType<typeof fakeElement>) => value as unknown as HTMLVideoElement
const track = { id: 'track-1', kind: 'video' } as unknown as MediaStreamTrack

describe('MediaElements', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('plays the track in the element through srcObject, inline and automatically', () => {
    vi.stubGlobal('MediaStream', FakeMediaStream)
    const elements = new MediaElements('video', 'signaling')
    const element = fakeElement()
    expect(elements.attach(track, asElement(element))).toBe(element)
    expect(element.srcObject).toBeInstanceOf(FakeMediaStream)
    expect((element.srcObject as FakeMediaStream).tracks).toEqual([track])
    expect(element.autoplay).toBe(true)
    expect(element.playsInline).toBe(true)
    expect(element.play).toHaveBeenCalledOnce()
  })

  it('detaches one element or all of them, and only elements it attached', () => {
    vi.stubGlobal('MediaStream', FakeMediaStream)
    const elements = new MediaElements('audio', 'openvidu')
    const [first, second, stranger] = [fakeElement(), fakeElement(), fakeElement()]
    elements.attach(track, asElement(first))
    elements.attach(track, asElement(second))
    expect(elements.detach(asElement(stranger))).toEqual([])
    expect(elements.detach(asElement(first))).toEqual([first])
    expect(first.srcObject).toBeNull()
    expect(second.srcObject).not.toBeNull()
    expect(elements.detach()).toEqual([second])
    expect(second.srcObject).toBeNull()
    expect(elements.detach()).toEqual([])
  })

  it('refuses to create an element where there is no document', () => {
    expect(() => new MediaElements('video', 'signaling').attach(track)).toThrowError(expect.objectContaining({ code: 'UNSUPPORTED', provider: 'signaling' }))
  })
})
