import type { Token } from '@callport/core'
import { waitForEvent } from '@callport/testkit'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server, type Socket as ServerSocket } from 'socket.io'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocketServer } from 'ws'
import { signaling } from '../../src/client/index'
import { VT_PASSWORD, vtConnectionInfo, vtJoinedMemberId, vtMember } from './vt-seed'

/**
 * A fake VT server: real socket.io on 127.0.0.1 (a free port) that sends VT's payloads unchanged
 * (./vt-seed.ts) and answers every request as VT does, with an ack `[result, null]`. The room-join
 * exchange is not published by VT: it is answered in our protocol of record, with VT's member object.
 */
async function vtServer(script: { members?: unknown[]; afterJoin?: (socket: ServerSocket) => void } = {}) {
  const http = createServer()
  // engine.io's own lookup of `ws` fails under Vite's module runner; hand it the class.
  const io = new Server(http, { wsEngine: WebSocketServer })
  const handshakes: Record<string, unknown>[] = []
  const requests: unknown[] = []
  const sockets: ServerSocket[] = []
  io.on('connection', (socket) => {
    sockets.push(socket)
    handshakes.push({ ...socket.handshake.query })
    socket.emit('on_connection', vtConnectionInfo)
    socket.on('request', (message: { command?: { command?: string } }, acknowledge?: (result: unknown, error: unknown) => void) => {
      requests.push(message)
      const command = message.command?.command
      if (command === 'room_id_get') acknowledge?.({ room_id: 'vt-room' }, null)
      else if (command === 'join') {
        acknowledge?.({ room_id: 'vt-room', members: script.members ?? [] }, null)
        setTimeout(() => script.afterJoin?.(socket), 10)
      } else acknowledge?.({}, null)
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  opened.push(
    () =>
      new Promise<void>((resolve, reject) => {
        io.close(() => resolve()).catch(reject)
      }),
  )
  const token: Token = {
    provider: 'signaling',
    room: 'vt-room-name',
    providerRoomId: 'vt-room',
    identity: 'ada',
    value: 'unused-with-a-password',
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
    connect: { url },
  }
  return { token, handshakes, requests, sockets, options: { audio: false, video: false, refreshToken: async () => token } }
}

const opened: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()))
})

/** The participant our client makes of VT's member: identity = its name, id = its `id`, the default role. */
const vtParticipant = { identity: '_VT_MNG_RCV_', role: 'publisher', providerParticipantId: 'WbaqzsMXqeQiwuoa' }

/**
 * Just enough of an RTCPeerConnection for the adapter to open a link and send one ICE candidate
 * through the signaling server (there is no WebRTC in Node).
 */
class CandidateOnlyPeerConnection extends EventTarget {
  connectionState = 'new'
  constructor() {
    super()
    setTimeout(() => {
      const candidate = { toJSON: () => ({ candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 }) }
      this.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate }))
    }, 0)
  }
  createDataChannel() {
    return Object.assign(new EventTarget(), { readyState: 'connecting', close: () => undefined })
  }
  close() {}
}

describe('against a VT server (its published payloads, unchanged)', () => {
  it('connects with a password although session_id is a number and role is "owner"', async () => {
    const server = await vtServer()
    const connection = await signaling({ password: VT_PASSWORD }).connect(server.token, server.options)
    opened.push(() => connection.disconnect())
    expect(server.handshakes[0]).toMatchObject({ username: 'ada', auth: JSON.stringify({ password: VT_PASSWORD }) })
    // "owner" is not one of our roles: the local participant gets the documented default.
    expect(connection.localParticipant).toEqual({ identity: 'ada', role: 'publisher', providerParticipantId: vtConnectionInfo.auth_id })
  })

  it('sees the member of a join reply (VT member object, no role) and addresses it by member.id', async () => {
    const server = await vtServer({ members: [vtMember] })
    const connection = await signaling({ password: VT_PASSWORD, webrtc: { RTCPeerConnection: CandidateOnlyPeerConnection as unknown as typeof RTCPeerConnection } }).connect(
      server.token,
      server.options,
    )
    opened.push(() => connection.disconnect())
    expect(connection.participants()).toEqual([vtParticipant])

    await connection.sendData('hello', { to: ['_VT_MNG_RCV_'] })
    expect(server.requests).toContainEqual({ type: 'command', to: 'WbaqzsMXqeQiwuoa', command: { command: 'data', data: 'hello' } })
    // The peer connection's signals go to member.id too.
    await vi.waitFor(() =>
      expect(server.requests).toContainEqual(
        expect.objectContaining({ type: 'command', to: 'WbaqzsMXqeQiwuoa', command: expect.objectContaining({ command: 'webrtc_signal' }) }),
      ),
    )

    const left = waitForEvent(connection, 'participant-left')
    server.sockets[0]!.emit('on_leave', vtMember.id)
    expect((await left)[0]).toMatchObject({ participant: vtParticipant })
    expect(connection.participants()).toEqual([])
  })

  it('takes on_join whose first argument is not member.id, keys it by member.id, and knows the other id in on_leave', async () => {
    let vtSocket: ServerSocket | undefined
    const server = await vtServer({ afterJoin: (socket) => (vtSocket = socket) })
    const connection = await signaling({ password: VT_PASSWORD }).connect(server.token, server.options)
    opened.push(() => connection.disconnect())
    await vi.waitFor(() => expect(vtSocket).toBeDefined())

    const joined = waitForEvent(connection, 'participant-joined')
    vtSocket!.emit('on_join', vtJoinedMemberId, vtMember)
    const [event] = await joined
    expect(event).toEqual({ participant: vtParticipant, raw: [vtJoinedMemberId, vtMember] })
    expect(connection.participants()).toEqual([vtParticipant])

    await connection.sendData('to the manager', { to: ['_VT_MNG_RCV_'] })
    expect(server.requests).toContainEqual({ type: 'command', to: 'WbaqzsMXqeQiwuoa', command: { command: 'data', data: 'to the manager' } })

    // VT does not publish on_leave's payload; the id on_join announced the member under finds it.
    const left = waitForEvent(connection, 'participant-left')
    vtSocket!.emit('on_leave', vtJoinedMemberId)
    expect((await left)[0]).toMatchObject({ participant: vtParticipant })
    expect(connection.participants()).toEqual([])
  })
})
