import type { CallportError, ClientConnection, DisconnectReason } from '@callport/core'
import { io } from 'socket.io-client'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { signaling } from '../../src/client/index'
import { observe, uniqueRoom, useSignaling, type Observer } from './harness'

const harness = useSignaling()
beforeAll(async () => {
  await harness.start()
})
const opened: ClientConnection[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((connection) => connection.disconnect()))
})

function ask<T>(observer: Observer, command: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) =>
    observer.socket.emit('request', { type: 'auth', command }, (result: T | null, error: unknown) => (result ? resolve(result) : reject(error))),
  )
}
const roomIdOf = async (observer: Observer, room: string) => (await ask<{ room_id: string }>(observer, { command: 'room_id_get', auth_room_name_mask: room })).room_id

type Outcome = { connection: ClientConnection; ended: DisconnectReason[] } | { error: CallportError }

describe('two tabs of one identity connecting at the same moment', () => {
  // With socket.io-client starting on long-polling and upgrading, the join answer, on_kick and the
  // disconnect can arrive in one HTTP response, handled before the connection counted itself as connected.
  it('leaves exactly one connected, in the room, and tells the other duplicate-identity', { timeout: 60_000 }, async () => {
    for (let run = 0; run < 6; run++) {
      const room = uniqueRoom('tabs')
      const observer = await observe(harness.url, await harness.token({ room, identity: 'observer' }))
      const outcomes = await Promise.all(
        [0, 1].map(async (): Promise<Outcome> => {
          const request = { room, identity: 'ada' }
          try {
            const connection = await signaling({ sdk: io, transports: ['polling', 'websocket'] }).connect(await harness.token(request), {
              audio: false,
              video: false,
              refreshToken: () => harness.token(request),
            })
            opened.push(connection)
            const ended: DisconnectReason[] = []
            connection.on('disconnected', ({ reason }) => ended.push(reason))
            return { connection, ended }
          } catch (error) {
            return { error: error as CallportError }
          }
        }),
      )
      const connectedOnes = () => outcomes.filter((outcome) => 'connection' in outcome && outcome.ended.length === 0)
      const told = () =>
        outcomes.filter((outcome) =>
          'error' in outcome
            ? (outcome.error.vendor?.body as { reason?: string } | undefined)?.reason === 'duplicate_identity' && !outcome.error.retryable
            : outcome.ended.includes('duplicate-identity'),
        )
      await vi.waitFor(
        () => {
          expect(connectedOnes()).toHaveLength(1)
          expect(told()).toHaveLength(1)
        },
        { timeout: 10_000 },
      )
      const survivor = connectedOnes()[0] as { connection: ClientConnection }
      expect(survivor.connection.participants().map((participant) => participant.identity)).toEqual(['observer'])
      // The room sees the survivor: the observer's directory holds exactly one "ada", the survivor.
      const roster = await ask<{ members: Array<{ id: string; name: string }> }>(observer, { command: 'join', room_id: await roomIdOf(observer, room) })
      expect(roster.members.map(({ id, name }) => ({ id, name }))).toEqual([{ id: survivor.connection.localParticipant.providerParticipantId, name: 'ada' }])
      observer.close()
    }
  })
})
