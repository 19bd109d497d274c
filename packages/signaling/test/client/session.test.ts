import { CallportError, type Token } from '@callport/core'
import { waitForEvent } from '@callport/testkit'
import { io } from 'socket.io-client'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { signaling } from '../../src/client/index'
import type { SocketFactory } from '../../src/client/load-sdk'
import { signSignalingCredential } from '../../src/server/credentials'
import { SECRET, observe, recordingSocketFactory, uniqueRoom, useSignaling } from './harness'

const harness = useSignaling()
beforeAll(async () => {
  await harness.start()
})

const rejection = (promise: Promise<unknown>): Promise<CallportError> =>
  promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => {
      expect(CallportError.isInstance(error), String(error)).toBe(true)
      return error as CallportError
    },
  )

/** A token the server half would not issue: `expiresInSeconds` may be below its 60 s minimum. */
async function shortLivedToken(room: string, identity: string, expiresInSeconds: number): Promise<Token> {
  const issued = await harness.token({ room, identity })
  const now = Math.floor(Date.now() / 1000)
  const value = signSignalingCredential({ iss: 'callport-signaling', sub: identity, room, role: 'publisher', iat: now, exp: now + expiresInSeconds }, SECRET)
  return { ...issued, value, expiresAt: new Date((now + expiresInSeconds) * 1000).toISOString() }
}

describe('connecting', () => {
  it('connects with username and a JSON auth query holding the token', async () => {
    const recorder = recordingSocketFactory()
    const token = await harness.token({ room: uniqueRoom('query'), identity: 'ada' })
    const connection = await signaling({ sdk: recorder.sdk }).connect(token, { audio: false, video: false, refreshToken: async () => token })
    const [serverSocket] = [...harness.server!.io.sockets.sockets.values()].filter((socket) => socket.id === recorder.sockets[0]?.id)
    expect(serverSocket?.handshake.query.username).toBe('ada')
    expect(JSON.parse(String(serverSocket?.handshake.query.auth))).toEqual({ token: token.value })
    expect(connection.localParticipant).toMatchObject({ identity: 'ada', role: 'publisher', providerParticipantId: serverSocket?.id })
    await connection.disconnect()
  })

  it('refuses an expired token with TOKEN_EXPIRED and a foreign one with UNAUTHORIZED', async () => {
    const room = uniqueRoom('refused')
    const expired = await shortLivedToken(room, 'ada', -5)
    const foreign = await harness.token({ room, identity: 'ada' }, 'some-other-secret-that-is-long-enough-0123456789')
    const options = { audio: false, video: false, refreshToken: async () => expired }
    const expiredError = await rejection(signaling().connect(expired, options))
    expect(expiredError.code).toBe('TOKEN_EXPIRED')
    expect(expiredError.vendor?.body).toMatchObject({ code: 'TOKEN_EXPIRED' })
    expect((await rejection(signaling().connect(foreign, options))).code).toBe('UNAUTHORIZED')
  })

  it('refuses a token of another provider or without connect.url', async () => {
    const token = await harness.token({ room: uniqueRoom('shape'), identity: 'ada' })
    const options = { audio: false, video: false, refreshToken: async () => token }
    expect((await rejection(signaling().connect({ ...token, provider: 'twilio' }, options))).code).toBe('INVALID_INPUT')
    expect((await rejection(signaling().connect({ ...token, connect: {} }, options))).code).toBe('INVALID_INPUT')
  })

  it('aborts a connect in progress and leaves nobody behind in the room', async () => {
    const room = uniqueRoom('abort')
    const watcher = await observe(harness.url, await harness.token({ room, identity: 'watcher' }))
    const controller = new AbortController()
    // Aborts when the server's answer to the join arrives, before the adapter reads it: the server
    // has added the member by then, so the abort has someone to take out of the room again.
    const abortingOnJoinAnswer: SocketFactory = (url, options) => {
      const socket = io(url, options)
      let joinSent = false
      socket.onAnyOutgoing((_event: string, message: { command?: { command?: string } } | undefined) => {
        if (message?.command?.command === 'join') joinSent = true
      })
      // Engine.IO reports each message before socket.io decodes it; a socket.io acknowledgement starts with "3".
      socket.io.engine.on('packet', ({ type, data }) => {
        if (joinSent && type === 'message' && typeof data === 'string' && data.startsWith('3')) controller.abort()
      })
      return socket
    }
    const connecting = signaling({ sdk: abortingOnJoinAnswer }).connect(await harness.token({ room, identity: 'ada' }), {
      audio: false,
      video: false,
      signal: controller.signal,
      refreshToken: () => harness.token({ room, identity: 'ada' }),
    })
    expect((await rejection(connecting)).code).toBe('ABORTED')
    await vi.waitFor(() => {
      const joins = watcher.events.filter(({ event }) => event === 'on_join').length
      const leaves = watcher.events.filter(({ event }) => event === 'on_leave').length
      expect([joins, leaves]).toEqual([1, 1])
    })
    watcher.close()
  })

  it('connects with a VT licence password when the server accepts passwords', async () => {
    const room = uniqueRoom('password')
    const server = await harness.start({
      allowPasswords: ({ username, password }) => (password === 'open sesame' ? { room, role: 'publisher', name: `VT ${username}` } : null),
    })
    const token = await harness.token({ room, identity: 'vt-user' })
    const options = { audio: false, video: false, refreshToken: async () => token }
    const connection = await signaling({ password: 'open sesame' }).connect(token, options)
    const serverSocket = [...server.io.sockets.sockets.values()][0]
    expect(JSON.parse(String(serverSocket?.handshake.query.auth))).toEqual({ password: 'open sesame' })
    const other = await harness.connect({ room, identity: 'token-user' })
    expect(other.participants()).toEqual([expect.objectContaining({ identity: 'vt-user', name: 'VT vt-user' })])
    await connection.disconnect()
    expect((await rejection(signaling({ password: 'wrong' }).connect(token, options))).code).toBe('UNAUTHORIZED')
  })
})

describe('participants and data', () => {
  it('lists members already in the room with their names, and sees later ones join and leave', async () => {
    const room = uniqueRoom('roster')
    const ada = await harness.connect({ room, identity: 'ada', name: 'Ada Lovelace' })
    const adaSeesJoin = vi.fn()
    ada.on('participant-joined', adaSeesJoin)
    const grace = await harness.connect({ room, identity: 'grace', name: 'Grace Hopper' })
    const graceSeesJoin = vi.fn()
    grace.on('participant-joined', graceSeesJoin)
    expect(grace.participants()).toEqual([{ identity: 'ada', name: 'Ada Lovelace', role: 'publisher', providerParticipantId: ada.localParticipant.providerParticipantId }])
    await vi.waitFor(() => expect(adaSeesJoin).toHaveBeenCalledOnce())
    expect(adaSeesJoin.mock.calls[0]?.[0]).toMatchObject({
      participant: { identity: 'grace', name: 'Grace Hopper', providerParticipantId: grace.localParticipant.providerParticipantId },
    })
    // Members found on joining are listed, not announced.
    expect(graceSeesJoin).not.toHaveBeenCalled()
    const left = waitForEvent(ada, 'participant-left')
    await grace.disconnect()
    expect((await left)[0].participant.identity).toBe('grace')
    expect(ada.participants()).toEqual([])
  })

  it('announces displayName when the token carries no name, and the token name over it otherwise', async () => {
    const room = uniqueRoom('display-name')
    await harness.connect({ room, identity: 'ada' }, { displayName: 'Ada from the page' })
    await harness.connect({ room, identity: 'alan', name: 'Alan Turing' }, { displayName: 'Not Alan' })
    const grace = await harness.connect({ room, identity: 'grace' })
    expect(grace.participants().map(({ identity, name }) => ({ identity, name }))).toEqual([
      { identity: 'ada', name: 'Ada from the page' },
      { identity: 'alan', name: 'Alan Turing' },
    ])
  })

  it('sends data to everyone or to chosen identities only', async () => {
    const room = uniqueRoom('data')
    const ada = await harness.connect({ room, identity: 'ada' })
    const grace = await harness.connect({ room, identity: 'grace' })
    const alan = await harness.connect({ room, identity: 'alan' })
    await vi.waitFor(() => expect(ada.participants()).toHaveLength(2))
    const toAlan = vi.fn()
    const toGrace = vi.fn()
    alan.on('data-received', toAlan)
    grace.on('data-received', toGrace)
    const graceReceives = waitForEvent(grace, 'data-received')
    await ada.sendData!('for grace only', { to: ['grace'] })
    const [event] = await graceReceives
    expect(event).toMatchObject({ data: 'for grace only', participant: { identity: 'ada' } })
    const alanReceives = waitForEvent(alan, 'data-received')
    await ada.sendData!('for everyone')
    expect((await alanReceives)[0].data).toBe('for everyone')
    await vi.waitFor(() => expect(toGrace).toHaveBeenCalledTimes(2))
    expect(toAlan.mock.calls.map(([received]) => received.data)).toEqual(['for everyone'])
  })

  it('refuses data to an unknown identity and data over 16 KiB', async () => {
    const ada = await harness.connect({ room: uniqueRoom('data-refused'), identity: 'ada' })
    expect((await rejection(ada.sendData!('hello', { to: ['nobody'] }))).code).toBe('PARTICIPANT_NOT_FOUND')
    expect((await rejection(ada.sendData!('x'.repeat(16 * 1024 + 1)))).code).toBe('PAYLOAD_TOO_LARGE')
  })
})

describe('media without WebRTC', () => {
  /** A getUserMedia whose tracks record what the adapter does to them (Node has no media). */
  function fakeGetUserMedia() {
    const tracks: Array<{ kind: string; id: string; enabled: boolean; readyState: string; stop(): void; addEventListener(): void }> = []
    const getUserMedia = vi.fn(async (constraints: MediaStreamConstraints) => {
      const captured = (['audio', 'video'] as const)
        .filter((kind) => constraints[kind])
        .map((kind) => ({
          kind,
          id: `${kind}-${tracks.length}`,
          enabled: true,
          readyState: 'live',
          stop() {
            this.readyState = 'ended'
          },
          addEventListener() {},
        }))
      tracks.push(...captured)
      return { getTracks: () => captured } as unknown as MediaStream
    })
    return { getUserMedia, tracks }
  }

  it('captures what join asks for, announces it, mutes the microphone and stops the camera', async () => {
    const room = uniqueRoom('props')
    const watcher = await observe(harness.url, await harness.token({ room, identity: 'watcher' }))
    const media = fakeGetUserMedia()
    const ada = await harness.connect({ room, identity: 'ada' }, { webrtc: { getUserMedia: media.getUserMedia } }, { audio: true, video: true })
    expect(media.getUserMedia).toHaveBeenCalledWith({ audio: true, video: true })
    await vi.waitFor(() => expect(watcher.events.find(({ event }) => event === 'on_join')?.parts[1]).toMatchObject({ join_props: { audio: true, video: true } }))
    const [microphone, camera] = media.tracks

    await ada.setMicrophoneEnabled(false)
    expect(microphone).toMatchObject({ enabled: false, readyState: 'live' })
    await ada.setCameraEnabled(false)
    expect(camera?.readyState).toBe('ended')
    await vi.waitFor(() => expect(watcher.events.filter(({ event }) => event === 'on_props_set').at(-1)?.parts[1]).toMatchObject({ audio: false, video: false }))

    await ada.setCameraEnabled(true)
    expect(media.getUserMedia).toHaveBeenLastCalledWith({ audio: false, video: true })
    await ada.setMicrophoneEnabled(true)
    expect(microphone?.enabled).toBe(true)
    expect(media.getUserMedia).toHaveBeenCalledTimes(2)
    await vi.waitFor(() => expect(watcher.events.filter(({ event }) => event === 'on_props_set').at(-1)?.parts[1]).toMatchObject({ audio: true, video: true }))
    await ada.disconnect()
    expect(media.tracks.every((track) => track.readyState === 'ended')).toBe(true)
    watcher.close()
  })

  it('announces no media where there is no getUserMedia', async () => {
    const room = uniqueRoom('no-media')
    const watcher = await observe(harness.url, await harness.token({ room, identity: 'watcher' }))
    await harness.connect({ room, identity: 'ada' }, {}, { audio: true, video: true })
    await vi.waitFor(() => expect(watcher.events.find(({ event }) => event === 'on_join')?.parts[1]).toMatchObject({ join_props: { audio: false, video: false } }))
    watcher.close()
  })

  it('fails to connect with PERMISSION_DENIED when camera access is refused', async () => {
    const refused = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' })
    const connecting = harness.connect({ room: uniqueRoom('refused-media'), identity: 'ada' }, { webrtc: { getUserMedia: () => Promise.reject(refused) } }, { video: true })
    const error = await rejection(connecting)
    expect(error.code).toBe('PERMISSION_DENIED')
    expect(error.cause).toBe(refused)
  })
})

describe('token updates and kicks', () => {
  it('is kicked with token-expired when its token runs out', async () => {
    const room = uniqueRoom('expiry')
    const token = await shortLivedToken(room, 'ada', 2)
    const ada = await signaling().connect(token, { audio: false, video: false, refreshToken: async () => token })
    const [event] = await waitForEvent(ada, 'disconnected', { timeoutMilliseconds: 5000 })
    expect(event.reason).toBe('token-expired')
    expect(event.error?.code).toBe('TOKEN_EXPIRED')
    expect(event.raw).toMatchObject({ reason: 'token_expired' })
  })

  it('stays connected past the first expiry after updateToken', async () => {
    const room = uniqueRoom('update')
    const token = await shortLivedToken(room, 'ada', 2)
    // Alan's token outlives Ada's first one by a second: once the server kicked him, it would have kicked her too.
    const alanToken = await shortLivedToken(room, 'alan', 3)
    const alan = await signaling().connect(alanToken, { audio: false, video: false, refreshToken: async () => alanToken })
    const alanKicked = waitForEvent(alan, 'disconnected', { timeoutMilliseconds: 5000 })
    const ada = await signaling().connect(token, { audio: false, video: false, refreshToken: async () => token })
    const grace = await harness.connect({ room, identity: 'grace' })
    const disconnected = vi.fn()
    ada.on('disconnected', disconnected)
    await ada.updateToken(await harness.token({ room, identity: 'ada' }))
    expect((await alanKicked)[0].reason).toBe('token-expired')
    expect(disconnected).not.toHaveBeenCalled()
    const received = waitForEvent(grace, 'data-received')
    await ada.sendData('still here')
    expect((await received)[0].data).toBe('still here')
    await ada.disconnect()
  })

  it('refuses updateToken with a token for another identity', async () => {
    const room = uniqueRoom('update-refused')
    const ada = await harness.connect({ room, identity: 'ada' })
    expect((await rejection(ada.updateToken!(await harness.token({ room, identity: 'grace' })))).code).toBe('INVALID_INPUT')
  })

  it('maps a duplicate identity kick to duplicate-identity', async () => {
    const room = uniqueRoom('duplicate')
    const first = await harness.connect({ room, identity: 'ada' })
    const kicked = waitForEvent(first, 'disconnected')
    await harness.connect({ room, identity: 'ada' })
    expect((await kicked)[0].reason).toBe('duplicate-identity')
  })

  it('reconnects after a server shutdown, and maps it to server-shutdown when the server stays away', async () => {
    const server = await harness.start()
    const ada = await harness.connect({ room: uniqueRoom('shutdown'), identity: 'ada' }, { reconnectTimeoutMilliseconds: 600 })
    const reconnecting = waitForEvent(ada, 'reconnecting')
    const kicked = waitForEvent(ada, 'disconnected', { timeoutMilliseconds: 5000 })
    await server.close()
    // A shutdown is how a server restarts: the connection tries to come back first.
    expect((await reconnecting)[0]).toMatchObject({ reason: 'server-shutdown', raw: { reason: 'server_shutdown' } })
    const [event] = await kicked
    expect(event.reason).toBe('server-shutdown')
    expect(event.error).toMatchObject({ code: 'CONNECTION_FAILED' })
  })
})
