import { CallportError, type Token } from '@callport/core'
import { waitForEvent } from '@callport/testkit'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Server, type Socket as ServerSocket } from 'socket.io'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocketServer } from 'ws'
import { signaling } from '../../src/client/index'

/**
 * A scripted server that speaks the protocol except where a test makes it send something malformed:
 * the real server never does, but every message the client receives must be validated anyway.
 */
async function scriptedServer(script: { connectionInfo?: (socket: ServerSocket) => unknown; joinResult?: unknown; afterJoin?: (socket: ServerSocket) => void }) {
  const http = createServer()
  // engine.io's own lookup of `ws` fails under Vite's module runner; hand it the class.
  const io = new Server(http, { wsEngine: WebSocketServer })
  io.on('connection', (socket) => {
    socket.emit(
      'on_connection',
      script.connectionInfo?.(socket) ?? {
        session_id: socket.id,
        signaling_ver: '2.1',
        username: String(socket.handshake.query.username),
        role: 'publisher',
        auth_room: 'Auth',
        auth_id: socket.id,
        server_metadata: {},
      },
    )
    socket.on('request', (message: { command: { command: string } }, acknowledge: (result: unknown, error: unknown) => void) => {
      if (message.command.command === 'room_id_get') acknowledge({ room_id: 'rm_scripted' }, null)
      else if (message.command.command === 'join') {
        acknowledge(script.joinResult ?? { room_id: 'rm_scripted', members: [] }, null)
        setTimeout(() => script.afterJoin?.(socket), 10)
      } else acknowledge({}, null)
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
    room: 'scripted',
    providerRoomId: 'rm_scripted',
    identity: 'ada',
    value: 'opaque',
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
    connect: { url },
  }
  return { token, options: { audio: false, video: false, refreshToken: async () => token } }
}

const opened: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()))
})

const member = (id: string, name: string) => ({ id, name, role: 'publisher', join_props: {} })

describe('validation of what the server sends', () => {
  it('refuses an on_connection that does not match the protocol', async () => {
    const { token, options } = await scriptedServer({ connectionInfo: () => ({ session_id: 42 }) })
    const error = await signaling()
      .connect(token, options)
      .catch((caught: unknown) => caught)
    expect(CallportError.isInstance(error) && error.code).toBe('PROVIDER_REJECTED')
  })

  it('refuses a join answer whose members are malformed', async () => {
    const { token, options } = await scriptedServer({ joinResult: { room_id: 'rm_scripted', members: [{ id: 'x' }] } })
    const error = await signaling()
      .connect(token, options)
      .catch((caught: unknown) => caught)
    expect(CallportError.isInstance(error) && error.code).toBe('PROVIDER_REJECTED')
  })

  it('ignores malformed events and relayed requests, and applies valid ones', async () => {
    const { token, options } = await scriptedServer({
      afterJoin(socket) {
        // A member needs an id and a name (role and join_props may be absent, as on VT servers).
        socket.emit('on_join', 'm1', { id: 'm1', role: 'publisher', join_props: {} })
        socket.emit('on_join', 'm2', { name: 'alan', role: 'publisher', join_props: {} })
        socket.emit('on_join', 'm3', { id: 3, name: 'alan' })
        socket.emit('on_join', 'm3', { id: '', name: 'alan' })
        socket.emit('request', { type: 'command', from: 'm4', command: { command: 'data', data: 42 } })
        socket.emit('on_kick', { reason: 'bored', message: 'no such reason' })
        socket.emit('on_join', 'm4', member('m4', 'grace'))
        socket.emit('request', { type: 'command', from: 'm4', command: { command: 'data', data: 'valid' } })
      },
    })
    const connection = await signaling().connect(token, options)
    const joined = vi.fn()
    connection.on('participant-joined', joined)
    const [data] = await waitForEvent(connection, 'data-received')
    expect(data).toMatchObject({ data: 'valid', participant: { identity: 'grace' } })
    expect(joined).toHaveBeenCalledOnce()
    expect(connection.participants().map((participant) => participant.identity)).toEqual(['grace'])
    await connection.disconnect()
  })

  it('takes a member with no role (the default, publisher) or a role that is not ours, and ignores props of the wrong type', async () => {
    const { token, options } = await scriptedServer({
      joinResult: { room_id: 'rm_scripted', members: [{ id: 'm1', name: 'grace' }] },
      afterJoin(socket) {
        socket.emit('on_join', 'announced-as', { id: 'm2', name: 'alan', role: 'owner', join_props: { display_name: 'Alan', audio: 'yes', video: false } })
      },
    })
    const connection = await signaling().connect(token, options)
    const [event] = await waitForEvent(connection, 'participant-joined')
    expect(event.participant).toEqual({ identity: 'alan', name: 'Alan', role: 'publisher', providerParticipantId: 'm2' })
    expect(connection.participants()).toEqual([{ identity: 'grace', role: 'publisher', providerParticipantId: 'm1' }, event.participant])
    await connection.disconnect()
  })

  it('maps a kick the server sends before disconnecting to its reason', async () => {
    const { token, options } = await scriptedServer({
      afterJoin(socket) {
        socket.emit('on_kick', { reason: 'removed', message: 'A moderator removed you' })
        socket.disconnect(true)
      },
    })
    const connection = await signaling().connect(token, options)
    const [event] = await waitForEvent(connection, 'disconnected')
    expect(event).toMatchObject({ reason: 'removed', raw: { reason: 'removed', message: 'A moderator removed you' } })
  })
})
