import { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { requestSignal, requestsPerController } from '../src/connection-signal'

/** Just what requestSignal reads of a socket: `destroyed` and the `close` event. */
function fakeSocket(): Socket & { close(): void } {
  const socket = Object.assign(new EventEmitter(), {
    destroyed: false,
    close() {
      socket.destroyed = true
      socket.emit('close')
    },
  })
  return socket as unknown as Socket & { close(): void }
}

describe('requestSignal', () => {
  it('lets the requests of a connection share one signal in turn', () => {
    const socket = fakeSocket()
    const first = requestSignal(socket)
    first.release()
    const second = requestSignal(socket)
    expect(second.signal).toBe(first.signal)
    second.release()
  })

  it('aborts when the connection closes while a request is unanswered', () => {
    const socket = fakeSocket()
    const held = requestSignal(socket)
    socket.close()
    expect(held.signal.aborted).toBe(true)
  })

  it('does not abort when the connection closes after every answer is out', () => {
    const socket = fakeSocket()
    const held = requestSignal(socket)
    held.release()
    socket.close()
    expect(held.signal.aborted).toBe(false)
  })

  it('gives an aborted signal on a connection that is already closed', () => {
    const socket = fakeSocket()
    socket.close()
    expect(requestSignal(socket).signal.aborted).toBe(true)
  })

  it('retires a signal that a finished request left listeners on, and never aborts it', () => {
    const socket = fakeSocket()
    const first = requestSignal(socket)
    let called = false
    first.signal.addEventListener('abort', () => (called = true))
    first.release()
    const second = requestSignal(socket)
    expect(second.signal).not.toBe(first.signal)
    socket.close()
    expect(second.signal.aborted).toBe(true)
    expect(first.signal.aborted).toBe(false)
    expect(called).toBe(false)
  })

  it(`takes a new controller every ${requestsPerController} requests`, () => {
    const socket = fakeSocket()
    const signals = new Set<AbortSignal>()
    for (let index = 0; index < requestsPerController * 2 + 1; index += 1) {
      const held = requestSignal(socket)
      signals.add(held.signal)
      held.release()
    }
    expect(signals.size).toBe(3)
  })

  it('keeps a shared signal while another request on it is still open', () => {
    const socket = fakeSocket()
    const first = requestSignal(socket)
    const second = requestSignal(socket)
    first.signal.addEventListener('abort', () => {})
    first.release()
    expect(requestSignal(socket).signal).toBe(second.signal)
    socket.close()
    expect(second.signal.aborted).toBe(true)
  })
})
