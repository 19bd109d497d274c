import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { CallportError, type Token } from '@callport/core'
import type { JanusJS } from 'janus-gateway'
import { FakeMediaStreamTrack, requireTool, startJanus, type JanusServer } from '@callport/test-environment'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { janus } from '../src/server/index'
import { signJanusToken } from '../src/server/signed-tokens'
import { encodeJanusDisplay, joinJanusTokenValue, splitJanusTokenValue } from '../src/shared/connect-parameters'
import { createFakeJanusJs } from './fake-janus-js'
import { FakeJanusServer } from './fake-videoroom'
import { janusRequest, joinVideoRoom, openVideoRoomHandle, VideoRoomRefusal, type VideoRoomParticipant } from './videoroom-participant'

/**
 * The fake Janus (test/fake-videoroom.ts) against Debian's Janus 1.1.2: the same script of Janus HTTP
 * API requests (the server half's, and Node participants joining with its tokens, as the server tests
 * do) runs on both, and what each answers and tells the participants must have the same shape —
 * events, their fields, VideoRoom's and the core's error codes. Media cannot be carried from Node,
 * so this covers everything up to publishing; the rest follows janus_videoroom.c as read.
 */

const secret = 'janus-fake-fidelity-secret-0123456789'
const tool = requireTool('janus', 'janus')

const fake = new FakeJanusServer({ tokenSecret: secret })
const http = setupServer(...fake.httpHandlers())
beforeAll(() => http.listen({ onUnhandledRequest: 'bypass' }))
afterAll(() => http.close())

/** Fields whose values say what happened (the others are ids and texts, compared by type). */
const telling = new Set(['videoroom', 'reason', 'error_code', 'error', 'exists', 'publisher', 'janus', 'code'])

/** Janus's words with the ids in them blanked. */
const words = (text: unknown): unknown => (typeof text === 'string' ? text.replace(/\d+/g, '#') : text)

/** An event or answer as a shape: a value as it is, an object's fields sorted, with the telling values kept and the others by type. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape)
  if (typeof value !== 'object' || value === null) return value
  const fields = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))
  return Object.fromEntries(
    fields.map(([key, field]) => [key, telling.has(key) || field === 'ok' ? words(field) : typeof field === 'object' && field !== null ? shape(field) : typeof field]),
  )
}

/** The error a join meets: VideoRoom's (refusal event) or the core's (an `error` answer), code and words. */
async function refusalOf(joining: Promise<VideoRoomParticipant>): Promise<unknown> {
  try {
    const joined = await joining
    await joined.leave()
    return 'joined'
  } catch (error) {
    if (error instanceof VideoRoomRefusal) return [error.code, words(error.message)]
    const answer = (error as { janus?: { error?: { code?: number; reason?: string } } }).janus
    if (answer?.error?.code) return [answer.error.code, words(answer.error.reason)]
    throw error
  }
}

/** One script against the Janus at `url`: what it answered, in order, as shapes. */
async function script(url: string): Promise<unknown[]> {
  const transcript: unknown[] = []
  const note = (step: string, value: unknown) => transcript.push([step, shape(value)])
  const server = janus({ url, tokenSecret: secret, retry: { limit: 0 }, environmentVariables: {} })
  const suffix = Math.random().toString(36).slice(2, 8)
  const room = await server.ensureRoom({ name: `fidelity-${suffix}` })
  const other = await server.ensureRoom({ name: `fidelity-other-${suffix}` })
  const issue = (identity: string, role: 'publisher' | 'subscriber', where = room): Promise<Token> =>
    server.issueToken({ room: where, participant: { identity, role }, ttlSeconds: 600 })
  const [alice, bob, sam, elsewhere] = await Promise.all([
    issue('alice', 'publisher'),
    issue('bob', 'publisher'),
    issue('sam', 'subscriber'),
    issue('eve', 'publisher', other),
  ])

  const a = await joinVideoRoom(url, alice, { name: 'Alice' })
  note('alice joins', a.events[0])
  note('a subscriber token joining as a publisher', await refusalOf(joinVideoRoom(url, sam)))
  note('another room token', await refusalOf(joinVideoRoom(url, bob, { roomToken: splitJanusTokenValue(elsewhere.value)!.room })))
  const forged = async (signed: string) => signJanusToken('not-the-secret-0123456789', signed.slice(0, signed.indexOf(':')))
  const parts = splitJanusTokenValue(bob.value)!
  note('a forged core token', await refusalOf(joinVideoRoom(url, { ...bob, value: joinJanusTokenValue({ core: await forged(parts.core), room: parts.room }) })))
  note('a forged room token', await refusalOf(joinVideoRoom(url, { ...bob, value: joinJanusTokenValue({ core: parts.core, room: await forged(parts.room) }) })))
  note('subscribing to a feed that publishes nothing', await refusalOf(joinVideoRoom(url, sam, { ptype: 'subscriber', feed: a.id })))

  const carol = await joinVideoRoom(url, await issue('carol', 'publisher'))
  await carol.leave()
  await vi.waitFor(() => expect(a.events.some((event) => event.leaving !== undefined)).toBe(true))
  note(
    'alice hears carol leave',
    a.events.filter((event) => event.joining !== undefined || event.leaving !== undefined),
  )

  const b = await joinVideoRoom(url, bob)
  await vi.waitFor(() => expect(a.events.filter((event) => event.joining !== undefined).length).toBe(2))
  note('alice hears bob joining', a.events.at(-1))

  const { session, handle } = await openVideoRoomHandle(url, splitJanusTokenValue(sam.value)!.core)
  const ask = async (body: Record<string, unknown>) =>
    (await janusRequest(url, { janus: 'message', token: splitJanusTokenValue(sam.value)!.core, body }, `/${session}/${handle}`)).plugindata?.data
  note('listparticipants', await ask({ request: 'listparticipants', room: Number(room.providerRoomId) }))
  note('exists', await ask({ request: 'exists', room: Number(room.providerRoomId) }))
  note('kick without the secret', await ask({ request: 'kick', room: Number(room.providerRoomId), id: b.id }))
  note('moderate a stream nobody publishes', await ask({ request: 'moderate', room: Number(room.providerRoomId), secret: 'wrong', id: a.id, mid: '0', mute: true }))
  note(
    'list (private rooms hidden)',
    ((await ask({ request: 'list' })) as { list?: { room: number }[] }).list?.some((listed) => listed.room === Number(room.providerRoomId)),
  )
  await janusRequest(url, { janus: 'destroy', token: splitJanusTokenValue(sam.value)!.core }, `/${session}`)

  // In Janus's hash table order: sorted here.
  note(
    'listParticipants',
    (await server.listParticipants({ room })).sort((x, y) => x.identity.localeCompare(y.identity)),
  )
  note('muteParticipant with nothing published', await server.muteParticipant({ room, identity: 'alice', kind: 'audio' }).then(() => 'muted'))
  await vi.waitFor(() => expect(a.events.filter((event) => event.leaving !== undefined).length).toBe(2))
  note('alice hears the server half leave after reading the streams', a.events.at(-1))

  await server.removeParticipant({ room, identity: 'bob' })
  await vi.waitFor(() => expect(b.kicked() && a.events.some((event) => event.kicked !== undefined)).toBe(true))
  note('bob hears he was kicked', b.events.at(-1))
  note('alice hears bob kicked', a.events.at(-1))
  note(
    'removing someone absent',
    await server.removeParticipant({ room, identity: 'nobody' }).catch((error: unknown) => (CallportError.isInstance(error) ? error.code : 'other')),
  )

  await server.closeRoom({ room })
  await vi.waitFor(() => expect(a.events.some((event) => event.videoroom === 'destroyed')).toBe(true))
  note('alice hears the room destroyed', a.events.at(-1))
  note('getRoom after closing', await server.getRoom({ name: room.name }))
  await Promise.all([a.leave(), b.leave(), server.closeRoom({ room: other })])
  return transcript
}

/** The `Janus` class of janus.js or of its fake, as far as the script below uses it. */
type JanusClass = new (options: JanusJS.ConstructorOptions) => Pick<InstanceType<typeof import('janus-gateway').default>, 'attach' | 'destroy' | 'getSessionId'>

/**
 * janus.js itself (janus-gateway's `npm/dist/janus.es.js`), run as in a page: its code evaluated with a
 * `window` and `navigator` of its own (its UMD wrapper defines Janus only where a window exists, and
 * vitest's module runner would take it for CommonJS), then initialised as the client half does.
 */
async function loadRealJanusJs(): Promise<JanusClass> {
  const source = readFileSync(createRequire(import.meta.url).resolve('janus-gateway'), 'utf8').replace(/export \{ Janus as default \};?\s*$/, 'return Janus;')
  const navigator = { userAgent: 'Node', platform: 'Linux', mediaDevices: undefined }
  // Its constructor checks that RTCPeerConnection exists (none is made without media).
  const window = { addEventListener: () => undefined, navigator, location: { origin: 'http://127.0.0.1' }, RTCPeerConnection: class {} }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- janus.js's own code, evaluated as a page's script would be
  const Janus = new Function('window', 'navigator', 'module', 'define', source)(window, navigator, undefined, undefined) as typeof import('janus-gateway').default
  // Node 20 has no WebSocket global, which useDefaultDependencies reads (the HTTP transport is used here).
  const dependencies = Janus.useDefaultDependencies({ adapter: { browserDetails: { browser: 'chrome' } }, WebSocket: class {} as never })
  await new Promise<void>((resolve) => Janus.init({ debug: false, dependencies, callback: resolve }))
  return Janus
}

/**
 * One script of janus.js calls without media against the Janus at `url`: every callback janus.js
 * called, in order, with its arguments as shapes (error texts as they are).
 */
async function janusJsScript(Janus: JanusClass, url: string): Promise<unknown[]> {
  const calls: unknown[] = []
  const server = janus({ url, tokenSecret: secret, retry: { limit: 0 }, environmentVariables: {} })
  const room = await server.ensureRoom({ name: `janusjs-${Math.random().toString(36).slice(2, 8)}` })
  const issue = (identity: string) => server.issueToken({ room, participant: { identity, role: 'publisher' }, ttlSeconds: 600 })
  const [alice, bob] = await Promise.all([issue('alice'), issue('bob')])
  const parts = splitJanusTokenValue(alice.value)!
  const forged = await signJanusToken('not-the-secret-0123456789', parts.core.slice(0, parts.core.indexOf(':')))
  type Session = InstanceType<JanusClass>
  const open = (token: string) =>
    new Promise<Session | undefined>((resolve) => {
      const session: Session = new Janus({
        server: url,
        token,
        iceServers: [],
        destroyOnUnload: false,
        success: () => {
          calls.push(['session success', typeof session.getSessionId()])
          resolve(session)
        },
        error: (error) => {
          calls.push(['session error', words(error)])
          resolve(undefined)
        },
      })
    })
  const attach = (session: Session, name: string, token?: string) =>
    new Promise<JanusJS.PluginHandle | undefined>((resolve) =>
      session.attach({
        plugin: 'janus.plugin.videoroom',
        ...(token === undefined ? {} : { token }),
        success: (handle) => {
          calls.push([`${name} attached`, typeof handle.getId()])
          resolve(handle)
        },
        error: (error) => {
          calls.push([`${name} attach error`, words(error)])
          resolve(undefined)
        },
        onmessage: (message, jsep) => calls.push([`${name} onmessage`, shape(message), jsep === undefined ? 'no jsep' : shape(jsep)]),
      }),
    )
  const send = (handle: JanusJS.PluginHandle, name: string, message: JanusJS.PluginMessage['message']) =>
    new Promise<void>((resolve) =>
      handle.send({
        message,
        success: (data?: unknown) => {
          calls.push([`${name} success`, data === undefined ? 'no data' : shape(data)])
          resolve()
        },
        error: (error: string) => {
          calls.push([`${name} error`, words(error)])
          resolve()
        },
      }),
    )
  // An asynchronous request: its ack (send's success) and the events it causes arrive in either order (the long poll may win): sorted.
  const bySerialized = (x: unknown, y: unknown) => JSON.stringify(x).localeCompare(JSON.stringify(y))
  const sendAndHear = async (on: JanusJS.PluginHandle, name: string, message: JanusJS.PluginMessage['message'], events: number) => {
    const start = calls.length
    await send(on, name, message)
    await vi.waitFor(() => expect(calls.length).toBeGreaterThanOrEqual(start + 1 + events), { timeout: 5_000 })
    calls.push([name, calls.splice(start).sort(bySerialized)])
  }

  await open(forged)
  const session = (await open(parts.core))!
  await attach(session, 'forged handle token', forged)
  const handle = (await attach(session, 'handle'))!
  await send(handle, 'listparticipants', { request: 'listparticipants', room: Number(room.providerRoomId) })
  await send(handle, 'kick without the secret', { request: 'kick', room: Number(room.providerRoomId), id: 1 })
  await sendAndHear(handle, 'join with a forged room token', { request: 'join', room: Number(room.providerRoomId), ptype: 'publisher', token: forged }, 1)
  await sendAndHear(handle, 'join', { request: 'join', room: Number(room.providerRoomId), ptype: 'publisher', display: 'alice', token: parts.room }, 1)
  const other = (await open(splitJanusTokenValue(bob.value)!.core))!
  const bobs = (await attach(other, 'bob'))!
  await sendAndHear(
    bobs,
    'bob join',
    { request: 'join', room: Number(room.providerRoomId), ptype: 'publisher', display: 'bob', token: splitJanusTokenValue(bob.value)!.room },
    2,
  )
  await sendAndHear(bobs, 'bob leave', { request: 'leave' }, 2)
  const detached = (await attach(session, 'second handle'))!
  await new Promise<void>((resolve) =>
    detached.detach({
      success: () => {
        calls.push(['detached'])
        resolve()
      },
    }),
  )
  await send(detached, 'a detached handle', { request: 'listparticipants', room: Number(room.providerRoomId) })
  for (const closing of [other, session])
    await new Promise<void>((resolve) =>
      closing.destroy({
        cleanupHandles: true,
        success: () => {
          calls.push(['destroyed'])
          resolve()
        },
      }),
    )
  await send(handle, 'a handle of a destroyed session', { request: 'listparticipants', room: Number(room.providerRoomId) })
  await attach(session, 'attaching to a destroyed session')
  await server.closeRoom({ room })
  return calls
}

describe.skipIf(!tool.available)("the fakes against Debian's Janus and janus.js", { meta: { skipReason: tool.skipReason } }, () => {
  let real: JanusServer
  beforeAll(async () => {
    real = await startJanus({ tokenAuthSecret: secret })
  }, 30_000)
  afterAll(() => real?.stop())

  it('the fake Janus: the same script gives the same events, fields and error codes', async () => {
    const [fromJanus, fromFake] = [await script(real.url), await script(fake.url)]
    expect(fromFake).toEqual(fromJanus)
  }, 30_000)

  it('the fake janus.js: the same calls without media give the same callbacks, arguments and error texts', async () => {
    const fromJanusJs = await janusJsScript(await loadRealJanusJs(), real.url)
    const fromFake = await janusJsScript(initialised(createFakeJanusJs(fake)), fake.url)
    expect(fromFake).toEqual(fromJanusJs)
  }, 30_000)
})

/** The fake janus.js, initialised as the client half initialises janus.js. */
function initialised(Janus: ReturnType<typeof createFakeJanusJs>): JanusClass {
  Janus.init({ debug: false, dependencies: Janus.useDefaultDependencies({ adapter: { browserDetails: { browser: 'chrome' } } }) })
  return Janus
}

/**
 * What Node cannot compare with Janus (media), checked against janus_videoroom.c (1.1.2) and janus.js
 * as read: when publishers are announced, how subscribers' offers change, janus.js's remote track
 * callbacks, talking and moderation.
 */
describe('the fakes on the media path, as janus_videoroom.c and janus.js do it', () => {
  const Janus = initialised(createFakeJanusJs(fake))
  const server = janus({ url: fake.url, tokenSecret: secret, retry: { limit: 0 }, environmentVariables: {} })

  /** What every page's handle was told, in the order it happened (across pages). */
  const timeline: string[] = []

  /** A page: a janus.js session and a VideoRoom handle whose messages and remote track callbacks are kept. */
  async function page(token: Token) {
    const parts = splitJanusTokenValue(token.value)!
    const session = await new Promise<InstanceType<typeof Janus>>((resolve, reject) => {
      const created = new Janus({ server: fake.url, token: parts.core, iceServers: [], success: () => resolve(created), error: reject })
    })
    const messages: JanusJS.Message[] = []
    const remoteTracks: Array<{ mid: string; on: boolean; reason: string | undefined }> = []
    const handle = await new Promise<JanusJS.PluginHandle>((resolve, reject) =>
      session.attach({
        plugin: 'janus.plugin.videoroom',
        success: resolve,
        error: reject,
        onmessage: (message, jsep) => {
          messages.push(message)
          if (message.videoroom === 'event' && Array.isArray(message.publishers)) timeline.push(`${token.identity} hears of publishers`)
          if (jsep?.type === 'answer') handle.handleRemoteJsep({ jsep })
          if (jsep?.type === 'offer')
            handle.createAnswer({ jsep, tracks: [{ type: 'data', capture: false }], success: (answer) => handle.send({ message: { request: 'start' }, jsep: answer }) })
        },
        onremotetrack: (_track, mid, on, metadata) => remoteTracks.push({ mid, on, reason: metadata?.reason }),
        webrtcState: (up) => timeline.push(`${token.identity} webrtcState ${String(up)}`),
      }),
    )
    const seen = (accept: (message: JanusJS.Message) => boolean) => vi.waitFor(() => expect(messages.some(accept)).toBe(true))
    return { session, handle, messages, remoteTracks, seen, room: Number(token.connect.room), roomToken: parts.room }
  }
  const room = async (label: string) => server.ensureRoom({ name: `fake-media-${label}-${Math.random().toString(36).slice(2, 8)}` })
  const publisherToken = async (where: Awaited<ReturnType<typeof room>>, identity: string) =>
    server.issueToken({ room: where, participant: { identity, role: 'publisher' }, ttlSeconds: 600 })

  /** Joins as a publisher and publishes a microphone; resolves with its feed id once Janus answered. */
  async function publish(joined: Awaited<ReturnType<typeof page>>, identity: string, kinds: Array<'audio' | 'video'> = ['audio']) {
    joined.handle.send({ message: { request: 'join', room: joined.room, ptype: 'publisher', display: encodeJanusDisplay({ identity }), token: joined.roomToken } })
    await joined.seen((message) => message.videoroom === 'joined')
    const offer = await new Promise<JanusJS.JSEP>((resolve, reject) =>
      joined.handle.createOffer({
        tracks: kinds.map((kind) => ({ type: kind, capture: new FakeMediaStreamTrack(kind, kind, undefined) as never, recv: false })),
        success: resolve,
        error: reject,
      }),
    )
    joined.handle.send({ message: { request: 'publish' }, jsep: offer })
    await joined.seen((message) => message.configured === 'ok')
    const id = joined.messages.find((message) => message.videoroom === 'joined')!.id as number
    await vi.waitFor(() => expect(fake.publishersOf(joined.room, identity).find((feed) => feed.id === id)?.active).toBe(true))
    return id
  }

  it('announces a publisher to the others once its PeerConnection is up (setup_media), not at publish', async () => {
    const where = await room('announce')
    const [alice, bob] = [await page(await publisherToken(where, 'alice')), await page(await publisherToken(where, 'bob'))]
    alice.handle.send({ message: { request: 'join', room: alice.room, ptype: 'publisher', display: 'alice', token: alice.roomToken } })
    await alice.seen((message) => message.videoroom === 'joined')
    const bobId = await publish(bob, 'bob')
    // bob's answer came with `configured`; janus.js applies it, ICE connects, Janus sends webrtcup, then tells alice.
    await alice.seen((message) => message.videoroom === 'event' && Array.isArray(message.publishers))
    expect(timeline.indexOf('bob webrtcState true'), 'webrtcup before the announcement').toBeGreaterThanOrEqual(0)
    expect(timeline.indexOf('bob webrtcState true')).toBeLessThan(timeline.indexOf('alice hears of publishers'))
    const announced = alice.messages.find((message) => message.videoroom === 'event' && Array.isArray(message.publishers))!
    expect(announced.publishers).toEqual([
      expect.objectContaining({ id: bobId, display: encodeJanusDisplay({ identity: 'bob' }), streams: [expect.objectContaining({ type: 'audio', mid: '0', codec: 'opus' })] }),
    ])
    for (const page of [alice, bob]) page.session.destroy({ cleanupHandles: true })
  })

  it('a subscriber gets attached + offer, janus.js onremotetrack(created) per mid; the publisher gone, its m-line goes inactive and janus.js says mute 3 × 840 ms later', async () => {
    const where = await room('subscribe')
    const [alice, bob] = [await page(await publisherToken(where, 'alice')), await page(await publisherToken(where, 'bob'))]
    const aliceId = await publish(alice, 'alice', ['audio', 'video'])
    bob.handle.send({ message: { request: 'join', room: bob.room, ptype: 'subscriber', streams: [{ feed: aliceId }], token: bob.roomToken } })
    await bob.seen((message) => message.videoroom === 'attached')
    expect(bob.messages.find((message) => message.videoroom === 'attached')!.streams).toEqual([
      expect.objectContaining({ mid: '0', type: 'audio', active: true, feed_id: aliceId, feed_mid: '0', feed_display: encodeJanusDisplay({ identity: 'alice' }) }),
      expect.objectContaining({ mid: '1', type: 'video', active: true, feed_id: aliceId, feed_mid: '1', feed_display: encodeJanusDisplay({ identity: 'alice' }) }),
    ])
    await bob.seen((message) => message.started === 'ok')
    expect(bob.remoteTracks).toEqual([
      { mid: '0', on: true, reason: 'created' },
      { mid: '1', on: true, reason: 'created' },
    ])
    alice.session.destroy({ cleanupHandles: true })
    await bob.seen((message) => message.videoroom === 'updated' && Array.isArray(message.streams))
    expect(bob.messages.find((message) => message.videoroom === 'updated')!.streams).toEqual([
      expect.objectContaining({ mid: '0', active: false }),
      expect.objectContaining({ mid: '1', active: false }),
    ])
    await vi.waitFor(
      () =>
        expect(bob.remoteTracks.filter((entry) => !entry.on)).toEqual([
          { mid: '0', on: false, reason: 'mute' },
          { mid: '1', on: false, reason: 'mute' },
        ]),
      { timeout: 4_000 },
    )
    bob.session.destroy({ cleanupHandles: true })
  })

  it('talking / stopped-talking go to every participant, the speaker included, with the average level in -dBov; a moderated stream is not measured', async () => {
    const where = await room('talking')
    const [alice, bob] = [await page(await publisherToken(where, 'alice')), await page(await publisherToken(where, 'bob'))]
    const aliceId = await publish(alice, 'alice')
    bob.handle.send({ message: { request: 'join', room: bob.room, ptype: 'publisher', display: 'bob', token: bob.roomToken } })
    await bob.seen((message) => message.videoroom === 'joined')
    fake.setAudioLevel(alice.room, aliceId, 0.8)
    for (const page of [alice, bob]) await page.seen((message) => message.videoroom === 'talking')
    expect(bob.messages.find((message) => message.videoroom === 'talking')).toEqual({
      videoroom: 'talking',
      room: alice.room,
      id: aliceId,
      mindex: 0,
      mid: '0',
      'audio-level-dBov-avg': 2,
    })
    fake.setAudioLevel(alice.room, aliceId, 0)
    await bob.seen((message) => message.videoroom === 'stopped-talking')
    await server.muteParticipant({ room: where, identity: 'alice', kind: 'audio' })
    for (const page of [alice, bob]) await page.seen((message) => message.moderation === 'muted' && message.id === aliceId && message.mid === '0')
    fake.setAudioLevel(alice.room, aliceId, 0.8)
    // Events reach a page in order: once bob hears of alice's next change, a talking event would have come before it.
    alice.handle.send({ message: { request: 'configure', descriptions: [{ mid: '0', description: 'after the level' }] } })
    await bob.seen((message) => (message.publishers as Array<{ streams: Array<{ description?: string }> }> | undefined)?.[0]?.streams[0]?.description === 'after the level')
    expect(bob.messages.filter((message) => message.videoroom === 'talking')).toHaveLength(1)
    for (const page of [alice, bob]) page.session.destroy({ cleanupHandles: true })
  })
})
