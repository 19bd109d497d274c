import type { Token } from '@callport/core'
import { waitForEvent } from '@callport/testkit'
import { io } from 'socket.io-client'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { signaling } from '../../src/client/index'
import type { SocketFactory } from '../../src/client/load-sdk'
import { signSignalingCredential } from '../../src/server/credentials'
import { SECRET, recordingSocketFactory, uniqueRoom, useSignaling } from './harness'

const harness = useSignaling()
beforeAll(async () => {
  await harness.start()
})

/** The credential a server-side socket connected with. */
function handshakeToken(socketId: string | undefined): string | undefined {
  const socket = socketId === undefined ? undefined : harness.server!.io.sockets.sockets.get(socketId)
  return socket ? (JSON.parse(String(socket.handshake.query.auth)) as { token?: string }).token : undefined
}

describe('a dropped signaling socket', () => {
  it('reconnects, re-joins under a new member id and keeps the room', async () => {
    const room = uniqueRoom('drop')
    const recorder = recordingSocketFactory()
    const ada = await harness.connect({ room, identity: 'ada' }, { sdk: recorder.sdk })
    const grace = await harness.connect({ room, identity: 'grace' })
    await vi.waitFor(() => expect(ada.participants()).toHaveLength(1))
    const firstMemberId = ada.localParticipant.providerParticipantId
    const adaEvents = vi.fn()
    for (const name of ['participant-joined', 'participant-left', 'disconnected'] as const) ada.on(name, () => adaEvents(name))
    const reconnecting = waitForEvent(ada, 'reconnecting')
    const reconnected = waitForEvent(ada, 'reconnected')
    const graceSeesReturn = waitForEvent(grace, 'participant-joined')

    recorder.sockets[0]!.io.engine.close()

    expect((await reconnecting)[0]).toMatchObject({ attempt: 0, reason: 'connection-lost' })
    await reconnected
    expect(recorder.sockets).toHaveLength(2)
    expect(ada.localParticipant.providerParticipantId).not.toBe(firstMemberId)
    expect(ada.localParticipant.providerParticipantId).toBe(recorder.sockets[1]!.id)
    // Nobody left this client's room: the member list after the re-join matches the one before.
    expect(ada.participants().map((participant) => participant.identity)).toEqual(['grace'])
    expect(adaEvents).not.toHaveBeenCalled()
    // Without WebRTC there is no peer connection to keep, so the other side saw a leave and a join.
    expect((await graceSeesReturn)[0]).toMatchObject({ participant: { identity: 'ada', providerParticipantId: ada.localParticipant.providerParticipantId } })
    const received = waitForEvent(grace, 'data-received')
    await ada.sendData!('back again', { to: ['grace'] })
    expect((await received)[0]).toMatchObject({ data: 'back again', participant: { identity: 'ada' } })
  })

  it('fetches a fresh token first when the current one is about to expire', async () => {
    const room = uniqueRoom('refresh')
    const issued = await harness.token({ room, identity: 'ada' })
    const now = Math.floor(Date.now() / 1000)
    const nearExpiry: Token = {
      ...issued,
      value: signSignalingCredential({ iss: 'callport-signaling', sub: 'ada', room, role: 'publisher', iat: now, exp: now + 20 }, SECRET),
      expiresAt: new Date((now + 20) * 1000).toISOString(),
    }
    const fresh = await harness.token({ room, identity: 'ada' })
    const refreshToken = vi.fn(async () => fresh)
    const recorder = recordingSocketFactory()
    const ada = await signaling({ sdk: recorder.sdk }).connect(nearExpiry, { audio: false, video: false, refreshToken })
    expect(handshakeToken(recorder.sockets[0]!.id)).toBe(nearExpiry.value)
    const reconnected = waitForEvent(ada, 'reconnected')
    recorder.sockets[0]!.io.engine.close()
    await reconnected
    expect(refreshToken).toHaveBeenCalledOnce()
    expect(handshakeToken(recorder.sockets[1]!.id)).toBe(fresh.value)
    await ada.disconnect()
  })

  it('keeps a token that is not about to expire', async () => {
    const refreshToken = vi.fn()
    const recorder = recordingSocketFactory()
    const room = uniqueRoom('keep-token')
    const token = await harness.token({ room, identity: 'ada', ttlSeconds: 600 })
    const ada = await signaling({ sdk: recorder.sdk }).connect(token, { audio: false, video: false, refreshToken })
    const reconnected = waitForEvent(ada, 'reconnected')
    recorder.sockets[0]!.io.engine.close()
    await reconnected
    expect(refreshToken).not.toHaveBeenCalled()
    expect(handshakeToken(recorder.sockets[1]!.id)).toBe(token.value)
    await ada.disconnect()
  })

  it('gives up with connection-lost when the server stays out of reach', async () => {
    let calls = 0
    // The first socket reaches the server; every later one a port nobody listens on.
    const unreachable: SocketFactory = (url, options) => io(calls++ === 0 ? url : 'http://127.0.0.1:9', options)
    const started = Date.now()
    const ada = await harness.connect({ room: uniqueRoom('lost'), identity: 'ada' }, { sdk: unreachable, reconnectTimeoutMilliseconds: 800 })
    const reconnecting = waitForEvent(ada, 'reconnecting')
    const disconnected = waitForEvent(ada, 'disconnected', { timeoutMilliseconds: 5000 })
    harness.server!.io.sockets.sockets.forEach((socket) => {
      if (socket.handshake.query.username === 'ada') socket.conn.close()
    })
    await reconnecting
    const [event] = await disconnected
    expect(event.reason).toBe('connection-lost')
    expect(event.error?.code).toBe('CONNECTION_FAILED')
    expect(Date.now() - started).toBeLessThan(4000)
    expect(calls).toBeGreaterThan(1)
  })

  it('stops reconnecting when the app disconnects meanwhile', async () => {
    let calls = 0
    const unreachable: SocketFactory = (url, options) => io(calls++ === 0 ? url : 'http://127.0.0.1:9', options)
    const ada = await harness.connect({ room: uniqueRoom('stop'), identity: 'ada' }, { sdk: unreachable, reconnectTimeoutMilliseconds: 5000 })
    const disconnected = vi.fn()
    ada.on('disconnected', disconnected)
    const reconnecting = waitForEvent(ada, 'reconnecting')
    // From here the adapter waits between attempts on fake timers: the test runs past its whole
    // reconnect timeout at once instead of sleeping through part of it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    try {
      harness.server!.io.sockets.sockets.forEach((socket) => {
        if (socket.handshake.query.username === 'ada') socket.conn.close()
      })
      await reconnecting
      // The first attempt goes at once (and fails: nobody listens there); the next one waits 250 ms.
      await vi.waitFor(() => expect(calls).toBe(2))
      await ada.disconnect()
      const attempts = calls
      await vi.advanceTimersByTimeAsync(10_000)
      expect(calls).toBe(attempts)
      expect(disconnected).not.toHaveBeenCalled()
    } finally {
      vi.useRealTimers()
    }
  })
})
