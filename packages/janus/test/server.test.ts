import { createHmac } from 'node:crypto'
import type { Room } from '@callport/core'
import { requireTool, startJanus, type JanusServer } from '@callport/test-environment'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { splitJanusTokenValue } from '../src/shared/connect-parameters'
import { janus, type JanusServerAdapter } from '../src/server/index'
import { videoRoomIdOf, videoRoomSecretOf } from '../src/server/signed-tokens'
import { janusRequest, joinVideoRoom, openVideoRoomHandle, VideoRoomRefusal, type VideoRoomParticipant } from './videoroom-participant'

const secret = 'janus-server-test-secret-0123456789'
const tool = requireTool('janus', 'janus')
const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`
/** Janus's rule (src/auth.c), computed with node:crypto: `<data>:<base64 HMAC-SHA1(secret, data)>`. */
const signed = (data: string, key = secret) => `${data}:${createHmac('sha1', key).update(data).digest('base64')}`

describe.skipIf(!tool.available)("the Janus server half against Debian's Janus 1.1", { meta: { skipReason: tool.skipReason } }, () => {
  let server: JanusServer
  let adapter: JanusServerAdapter
  const joined: VideoRoomParticipant[] = []
  beforeAll(async () => {
    server = await startJanus({ tokenAuthSecret: secret })
    adapter = janus({ url: server.url, tokenSecret: secret, retry: { limit: 0 }, environmentVariables: {} })
  }, 30_000)
  afterAll(async () => {
    await Promise.all(joined.map((participant) => participant.leave()))
    await server?.stop()
  })

  const join = async (...parameters: Parameters<typeof joinVideoRoom> extends [string, ...infer Rest] ? Rest : never) => {
    const participant = await joinVideoRoom(server.url, ...parameters)
    joined.push(participant)
    return participant
  }
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'joined',
      (error: unknown) => (error instanceof VideoRoomRefusal ? error.code : ((error as { janus?: { error?: { code: number } } }).janus?.error?.code ?? error)),
    )
  const token = (room: Room, identity: string, role: 'publisher' | 'subscriber' = 'publisher', ttlSeconds = 600) =>
    adapter.issueToken({ room, participant: { identity, role }, ttlSeconds })
  /** A VideoRoom request made directly, with a fresh core token. */
  const videoRoom = async (body: Record<string, unknown>) => {
    const core = signed(`${Math.floor(Date.now() / 1000) + 60},janus,janus.plugin.videoroom`)
    const { session, handle } = await openVideoRoomHandle(server.url, core)
    const answer = await janusRequest(server.url, { janus: 'message', token: core, body }, `/${session}/${handle}`)
    await janusRequest(server.url, { janus: 'destroy', token: core }, `/${session}`)
    return answer.plugindata!.data
  }

  describe('tokens', () => {
    it("are Janus's core and VideoRoom room signed tokens, expiring with the Callport token", async () => {
      const room = await adapter.ensureRoom({ name: unique('format') })
      const issued = await token(room, 'ann')
      const expiry = Date.parse(issued.expiresAt) / 1000
      expect(Number.isInteger(expiry)).toBe(true)
      const parts = splitJanusTokenValue(issued.value)!
      expect(parts.core).toBe(signed(`${expiry},janus,janus.plugin.videoroom`))
      // The room token carries a nonce of its own (16 random bytes, base64url).
      const data = parts.room.slice(0, parts.room.indexOf(':'))
      expect(data).toMatch(new RegExp(`^${expiry},janus\\.plugin\\.videoroom,room=${room.providerRoomId},nonce=[\\w-]{22}$`))
      expect(parts.room).toBe(signed(data))
      expect(issued.connect).toEqual({ url: server.url, room: Number(room.providerRoomId), publish: true })
      expect((await token(room, 'bob', 'subscriber')).connect).toEqual({ url: server.url, room: Number(room.providerRoomId), publish: false })
      // The participant's name, for the page's VideoRoom display.
      const named = await adapter.issueToken({ room, participant: { identity: 'cy', role: 'publisher', name: 'Cy Young' }, ttlSeconds: 600 })
      expect(named.connect).toEqual({ url: server.url, room: Number(room.providerRoomId), publish: true, name: 'Cy Young' })
    })

    it('admit a publisher into its room (Janus session, VideoRoom join)', async () => {
      const room = await adapter.ensureRoom({ name: unique('admit') })
      const participant = await join(await token(room, 'ann'))
      expect(participant.id).toBeGreaterThan(0)
    })

    it('refuse forged ones: another secret (403 from the core), another room (433 from VideoRoom), no room token (433)', async () => {
      const room = await adapter.ensureRoom({ name: unique('forged') })
      const other = await adapter.ensureRoom({ name: unique('forged-other') })
      const forger = janus({ url: server.url, tokenSecret: 'not-the-secret', environmentVariables: {} })
      const forged = await forger.issueToken({ room, participant: { identity: 'eve', role: 'subscriber' }, ttlSeconds: 600 })
      expect(await refusal(join(forged))).toBe(403)
      const mine = await token(room, 'ann')
      expect(await refusal(join(mine, { room: Number(other.providerRoomId) }))).toBe(433)
      expect(await refusal(join(mine, { roomToken: '' }))).toBe(433)
      const tampered = splitJanusTokenValue(mine.value)!.room.replace(/room=\d/, (match) => `room=${match.endsWith('1') ? '2' : '1'}`)
      expect(await refusal(join(mine, { roomToken: tampered }))).toBe(433)
    })

    it('the core token is checked on every request of a session: once expired, keepalives and long polls are refused (403)', async () => {
      const core = signed(`${Math.floor(Date.now() / 1000) + 2},janus,janus.plugin.videoroom`)
      const { session } = await openVideoRoomHandle(server.url, core)
      expect(await janusRequest(server.url, { janus: 'keepalive', token: core }, `/${session}`)).toMatchObject({ janus: 'ack' })
      await new Promise((resolve) => setTimeout(resolve, 3_100))
      expect(await janusRequest(server.url, { janus: 'keepalive', token: core }, `/${session}`)).toMatchObject({ janus: 'error', error: { code: 403 } })
      const poll = await fetch(`${server.url}/${session}?token=${encodeURIComponent(core)}`)
      // The HTTP transport refuses the long poll itself: HTTP 403 with an empty body (not a Janus error message).
      expect(poll.status).toBe(403)
      expect(await poll.text()).toBe('')
      // A fresh core token keeps the same session going.
      const fresh = signed(`${Math.floor(Date.now() / 1000) + 60},janus,janus.plugin.videoroom`)
      expect(await janusRequest(server.url, { janus: 'keepalive', token: fresh }, `/${session}`)).toMatchObject({ janus: 'ack' })
      await janusRequest(server.url, { janus: 'destroy', token: fresh }, `/${session}`)
    })

    it('refuse expired ones: the core token (403), the room token (433)', async () => {
      const room = await adapter.ensureRoom({ name: unique('expired') })
      const publisher = await join(await token(room, 'pat'))
      // A subscriber's token is made without asking Janus, so it can be made an hour ago.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 3_600_000 })
      const old = await token(room, 'sam', 'subscriber', 600).finally(() => vi.useRealTimers())
      expect(await refusal(join(old, { ptype: 'subscriber', feed: publisher.id }))).toBe(403)
      const fresh = await token(room, 'sam', 'subscriber')
      expect(await refusal(join(fresh, { ptype: 'subscriber', feed: publisher.id, roomToken: splitJanusTokenValue(old.value)!.room }))).toBe(433)
    })

    it("room tokens issued in the same second for the same room differ, so a subscriber's is never a publisher's in the allowed list", async () => {
      const room = await adapter.ensureRoom({ name: unique('same-second') })
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
      const [publisher, subscriber, again] = await Promise.all([token(room, 'pat'), token(room, 'sam', 'subscriber'), token(room, 'pat')]).finally(() => vi.useRealTimers())
      expect(new Set([publisher, subscriber, again].map((issued) => issued.expiresAt)).size).toBe(1)
      expect(new Set([publisher, subscriber, again].map((issued) => splitJanusTokenValue(issued.value)!.room)).size).toBe(3)
      expect(await refusal(join(subscriber))).toBe(433)
      expect((await join(publisher)).id).toBeGreaterThan(0)
    })

    it("a subscriber's token joins as a subscriber but cannot join as a publisher, so it cannot publish (allowed list, 433)", async () => {
      const room = await adapter.ensureRoom({ name: unique('roles') })
      const subscriber = await token(room, 'sam', 'subscriber')
      expect(await refusal(join(subscriber))).toBe(433)
      // Past the signed token check: VideoRoom looks for the feed (428 no such feed), which a forged token never reaches.
      expect(await refusal(join(subscriber, { ptype: 'subscriber', feed: 1 }))).toBe(428)
      const publisher = await join(await token(room, 'pat'))
      expect(await refusal(join(subscriber, { ptype: 'subscriber', feed: publisher.id }))).not.toBe(433)
      const forged = await janus({ url: server.url, tokenSecret: secret, environmentVariables: {} }).issueToken({
        room: await adapter.ensureRoom({ name: unique('roles-other') }),
        participant: { identity: 'x', role: 'subscriber' },
        ttlSeconds: 600,
      })
      expect(await refusal(join(forged, { ptype: 'subscriber', room: Number(room.providerRoomId), feed: publisher.id }))).toBe(433)
    })

    it("drops expired publisher tokens from the room's allowed list when it adds one", async () => {
      const room = await adapter.ensureRoom({ name: unique('prune') })
      const [id, roomSecret] = [Number(room.providerRoomId), await videoRoomSecretOf(secret, room.name)]
      const allowed = async (action: 'add' | 'remove', tokens: string[]) =>
        (await videoRoom({ request: 'allowed', action, allowed: tokens, room: id, secret: roomSecret })).allowed
      // A publisher token issued an hour ago for ten minutes.
      const expired = signed(`${Math.floor(Date.now() / 1000) - 3_000},janus.plugin.videoroom,room=${id}`)
      expect(await allowed('add', [expired])).toEqual([expired])
      const fresh = await token(room, 'ann')
      expect(await allowed('add', [])).toEqual([splitJanusTokenValue(fresh.value)!.room])
    })
  })

  describe('rooms', () => {
    it('ensureRoom creates a private VideoRoom room with the numeric id of the name, once, also under concurrent calls', async () => {
      const name = unique('ensure')
      expect(await adapter.getRoom({ name })).toBeNull()
      const rooms = await Promise.all([1, 2, 3, 4].map(() => adapter.ensureRoom({ name })))
      const id = await videoRoomIdOf(name)
      for (const room of rooms) expect(room).toEqual({ name, provider: 'janus', providerRoomId: String(id) })
      expect(await adapter.ensureRoom({ name })).toEqual(rooms[0])
      expect(await adapter.getRoom({ name })).toEqual(rooms[0])
      expect(await videoRoom({ request: 'exists', room: id })).toMatchObject({ exists: true })
      // Private: not in VideoRoom's public list.
      const list = (await videoRoom({ request: 'list' })).list as { room: number }[]
      expect(list.map((entry) => entry.room)).not.toContain(id)
    })

    it('the room needs its secret (derived from the token secret) to be destroyed, and a room token to be joined', async () => {
      const room = await adapter.ensureRoom({ name: unique('secret') })
      const id = Number(room.providerRoomId)
      expect(await videoRoom({ request: 'destroy', room: id })).toMatchObject({ error_code: 429 })
      expect(await videoRoom({ request: 'destroy', room: id, secret: 'guess' })).toMatchObject({ error_code: 433 })
      expect(await adapter.getRoom({ name: room.name })).toEqual(room)
    })

    it('closeRoom destroys the room (its participants are told), and closing again succeeds', async () => {
      const room = await adapter.ensureRoom({ name: unique('close') })
      const participant = await join(await token(room, 'ann'))
      await adapter.closeRoom({ room })
      expect(await adapter.getRoom({ name: room.name })).toBeNull()
      await vi.waitFor(() => expect(participant.events).toContainEqual(expect.objectContaining({ videoroom: 'destroyed' })))
      await adapter.closeRoom({ room })
      // A publisher's token makes the room again (Janus restarted, or the room was closed).
      await token(room, 'bob')
      expect(await adapter.getRoom({ name: room.name })).toEqual(room)
    })
  })

  describe('participants', () => {
    it('lists the publishers by the identity and name of their display, one entry per identity', async () => {
      const room = await adapter.ensureRoom({ name: unique('list') })
      expect(await adapter.listParticipants({ room })).toEqual([])
      const ann = await join(await token(room, 'ann'), { name: 'Ann Ü' })
      await join(await token(room, 'bob'))
      // A subscriber is not a VideoRoom participant: not listed.
      await refusal(join(await token(room, 'sam', 'subscriber'), { ptype: 'subscriber', feed: ann.id }))
      const listed = await adapter.listParticipants({ room })
      expect(listed.sort((a, b) => a.identity.localeCompare(b.identity))).toEqual([
        { identity: 'ann', name: 'Ann Ü', role: 'publisher', providerParticipantId: String(ann.id) },
        { identity: 'bob', role: 'publisher', providerParticipantId: expect.any(String) },
      ])
    })

    it('removeParticipant kicks every feed of the identity (VideoRoom tells it "kicked"); someone absent is PARTICIPANT_NOT_FOUND', async () => {
      const room = await adapter.ensureRoom({ name: unique('kick') })
      const ann = await join(await token(room, 'ann'))
      const bob = await join(await token(room, 'bob'))
      await adapter.removeParticipant({ room, identity: 'ann' })
      await vi.waitFor(() => expect(ann.kicked()).toBe(true))
      expect(bob.kicked()).toBe(false)
      expect((await adapter.listParticipants({ room })).map((entry) => entry.identity)).toEqual(['bob'])
      await expect(adapter.removeParticipant({ room, identity: 'ann' })).rejects.toMatchObject({ code: 'PARTICIPANT_NOT_FOUND' })
    })
  })

  describe('muting', () => {
    it('someone absent is PARTICIPANT_NOT_FOUND; someone publishing nothing of the kind has nothing muted, and the server leaves nothing behind', async () => {
      const room = await adapter.ensureRoom({ name: unique('mute') })
      await expect(adapter.muteParticipant({ room, identity: 'nobody', kind: 'audio' })).rejects.toMatchObject({ code: 'PARTICIPANT_NOT_FOUND' })
      const [annToken, bobToken] = [await token(room, 'ann'), await token(room, 'bob')]
      const ann = await join(annToken)
      const bob = await join(bobToken)
      await adapter.muteParticipant({ room, identity: 'ann', kind: 'audio' })
      await adapter.muteParticipant({ room, identity: 'ann', kind: 'video' })
      // The server joined for a moment to read the publishers' streams: the others saw a participant without a display come and go.
      await vi.waitFor(() => expect(bob.events.some((event) => event.leaving !== undefined && event.leaving !== 'ok')).toBe(true))
      expect(ann.events.some((event) => event.moderation !== undefined)).toBe(false)
      expect((await adapter.listParticipants({ room })).map((entry) => entry.identity).sort()).toEqual(['ann', 'bob'])
      // Its room token left the allowed list again (a room token names no identity: two issued in one second are one string).
      const roomSecret = await videoRoomSecretOf(secret, room.name)
      const allowed = (await videoRoom({ request: 'allowed', action: 'add', allowed: [], room: Number(room.providerRoomId), secret: roomSecret })).allowed as string[]
      expect(allowed.sort()).toEqual([...new Set([annToken, bobToken].map((issued) => splitJanusTokenValue(issued.value)!.room))].sort())
    })
  })

  describe('errors', () => {
    it("keep Janus's code and words: a room never made is ROOM_NOT_FOUND (VideoRoom 426)", async () => {
      const name = unique('never')
      const room: Room = { name, provider: 'janus', providerRoomId: String(await videoRoomIdOf(name)) }
      await expect(adapter.listParticipants({ room })).rejects.toMatchObject({
        code: 'ROOM_NOT_FOUND',
        retryable: false,
        provider: 'janus',
        details: { janusCode: 426, plugin: 'janus.plugin.videoroom' },
      })
    })

    it('another token secret is PROVIDER_REJECTED (Janus 403), not retried', async () => {
      const wrong = janus({ url: server.url, tokenSecret: 'not-the-secret', environmentVariables: {} })
      await expect(wrong.ensureRoom({ name: unique('wrong') })).rejects.toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false, details: { janusCode: 403 } })
    })

    it('a Janus that does not answer is PROVIDER_UNAVAILABLE, retryable', async () => {
      const gone = janus({ url: 'http://127.0.0.1:9/janus', tokenSecret: secret, retry: { limit: 0 }, environmentVariables: {} })
      await expect(gone.ensureRoom({ name: unique('gone') })).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
    })

    it('an invalid room name is INVALID_INPUT before any request', async () => {
      await expect(adapter.ensureRoom({ name: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
      await expect(adapter.getRoom({ name: 'x'.repeat(1_000) })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    })

    it('a Room that is not a Janus room is INVALID_INPUT', async () => {
      await expect(
        adapter.issueToken({ room: { name: 'x', provider: 'janus', providerRoomId: '1' }, participant: { identity: 'a', role: 'publisher' }, ttlSeconds: 600 }),
      ).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      })
    })
  })
})
