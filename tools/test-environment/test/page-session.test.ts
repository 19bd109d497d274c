import { afterEach, describe, expect, it, vi } from 'vitest'
import { countFrames, loggedEvents, logSessionEvents, showRemoteTracks, type LoggedEvent } from '../src/index'

/** A session that emits what the test tells it. */
function fakeSession() {
  const listeners = new Map<string, Array<(event: unknown) => void>>()
  return {
    on(name: string, listener: (event: any) => void) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener])
    },
    emit(name: string, event: unknown) {
      for (const listener of listeners.get(name) ?? []) listener(event)
    },
  }
}

/** A stand-in for a video element presenting a frame every 5 ms (20 of them) once asked. */
class FakeVideo {
  videoWidth = 0
  presented = 0
  muted = false
  autoplay = false
  removed = false
  requestVideoFrameCallback(callback: () => void) {
    if (this.presented++ < 20) setTimeout(callback, 5)
  }
  play = () => Promise.resolve()
  remove() {
    this.removed = true
  }
}

describe('page-session (the pages’ shared helpers)', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('logs the named events reduced to what tests compare, speakers with their levels', () => {
    const session = fakeSession()
    const events: LoggedEvent[] = []
    logSessionEvents(session, ['track-subscribed', 'active-speakers-changed'], events)
    session.emit('track-subscribed', { participant: { identity: 'ann', name: 'Ann' }, track: { source: 'camera', kind: 'video' } })
    session.emit('active-speakers-changed', { speakers: [{ participant: { identity: 'bob' }, level: 0.5 }] })
    session.emit('participant-left', { participant: { identity: 'ann' } })
    expect(JSON.parse(JSON.stringify(events))).toEqual([
      { name: 'track-subscribed', identity: 'ann', participantName: 'Ann', source: 'camera', kind: 'video' },
      { name: 'active-speakers-changed', speakers: [{ identity: 'bob', level: 0.5 }] },
    ])
  })

  it('plays subscribed tracks muted by identity and source, and keeps a track published again when the old one goes', () => {
    const appended: unknown[] = []
    vi.stubGlobal('document', { body: { append: (element: unknown) => appended.push(element) } })
    const session = fakeSession()
    const elements = new Map<string, HTMLMediaElement>()
    showRemoteTracks(session, elements)
    const first = new FakeVideo()
    const second = new FakeVideo()
    const track = (element: FakeVideo) => ({ source: 'camera', attach: () => element, detach: () => [element] })
    session.emit('track-subscribed', { participant: { identity: 'ann' }, track: track(first) })
    expect(elements.get('ann:camera')).toBe(first)
    expect(first).toMatchObject({ muted: true, autoplay: true })
    session.emit('track-subscribed', { participant: { identity: 'ann' }, track: track(second) })
    session.emit('track-unsubscribed', { participant: { identity: 'ann' }, track: track(first) })
    expect(first.removed).toBe(true)
    expect(elements.get('ann:camera')).toBe(second)
    session.emit('track-unsubscribed', { participant: { identity: 'ann' }, track: track(second) })
    expect(elements.has('ann:camera')).toBe(false)
    expect(appended).toEqual([first, second])
  })

  it('counts frames once the element has a picture, until the number wanted; 0 without a video', async () => {
    vi.stubGlobal('HTMLVideoElement', FakeVideo)
    const video = new FakeVideo()
    let found: FakeVideo | undefined
    setTimeout(() => (found = video), 20)
    setTimeout(() => (video.videoWidth = 320), 60)
    expect(await countFrames(() => found as unknown as HTMLMediaElement | undefined, 4, 5_000)).toBeGreaterThanOrEqual(4)
    expect(await countFrames(() => undefined, 4, 200)).toBe(0)
  })

  it('waits until the log holds an event, a match or a count, and names what it missed', async () => {
    const events: LoggedEvent[] = []
    const log = loggedEvents(async () => events)
    setTimeout(() => events.push({ name: 'track-subscribed', identity: 'ann', source: 'camera' }), 50)
    setTimeout(() => events.push({ name: 'track-subscribed', identity: 'ann', source: 'camera' }), 150)
    expect(await log.waitForLogged({ name: 'track-subscribed', identity: 'ann' })).toMatchObject({ source: 'camera' })
    await log.waitForCount({ name: 'track-subscribed' }, 2)
    expect(await log.waitFor((event) => event.source === 'camera', 'a camera')).toMatchObject({ identity: 'ann' })
    await expect(log.waitForLogged({ name: 'participant-left' }, 200)).rejects.toThrow('no {"name":"participant-left"} in [{"name":"track-subscribed"')
    await expect(log.waitForCount({ name: 'track-subscribed' }, 3, 200)).rejects.toThrow('no 3 × {"name":"track-subscribed"}')
  })
})
