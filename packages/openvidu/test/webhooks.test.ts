import type { WebhookEvent, WebhookRequest } from '@callport/core'
import { createCallServer } from '@callport/server'
import { describe, expect, it, vi } from 'vitest'
import { openvidu, openViduServerCapabilities } from '../src/server/index'
import { sameSecret } from '../src/server/webhooks'
import participantJoined from './fixtures/webhooks/participant-joined.json'
import participantLeft from './fixtures/webhooks/participant-left.json'
import recordingFailed from './fixtures/webhooks/recording-failed.json'
import recordingReady from './fixtures/webhooks/recording-ready.json'
import recordingStarted from './fixtures/webhooks/recording-started.json'
import sessionCreated from './fixtures/webhooks/session-created.json'
import sessionDestroyed from './fixtures/webhooks/session-destroyed.json'
import webrtcConnectionCreated from './fixtures/webhooks/webrtc-connection-created.json'

const header = { name: 'Authorization', value: 'Basic Y2FsbHBvcnQ6d2ViaG9vaw==' }
const adapter = openvidu({ url: 'https://openvidu.example.com', secret: 'MY_SECRET', webhookHeader: header })
const webhook = adapter.webhook!

const delivery = (body: unknown, headers: Record<string, string> = { [header.name]: header.value }): WebhookRequest => ({
  url: 'https://app.example.com/calls/webhooks/openvidu',
  method: 'POST',
  headers: new Headers({ 'content-type': 'application/json', ...headers }),
  body: JSON.stringify(body),
})

const parseOne = async (body: unknown): Promise<WebhookEvent> => {
  const events = await webhook.parse(delivery(body))
  expect(events).toHaveLength(1)
  return events[0]!
}

describe('verify: the shared header, compared in constant time', () => {
  it('accepts the configured header and value', async () => {
    expect(await webhook.verify(delivery(sessionCreated))).toBe(true)
    expect(await webhook.verify(delivery(sessionCreated, { authorization: header.value }))).toBe(true)
  })

  it.each([
    ['missing', {}],
    ['wrong value', { Authorization: 'Basic d3Jvbmc=' }],
    ['value with a suffix', { Authorization: `${header.value}x` }],
    ['value prefix', { Authorization: header.value.slice(0, -1) }],
    ['another header', { 'X-Authorization': header.value }],
  ])('refuses a delivery with the header %s', async (_, headers) => {
    expect(await webhook.verify(delivery(sessionCreated, headers))).toBe(false)
  })

  it('requires every header of OPENVIDU_WEBHOOK_HEADERS', async () => {
    vi.stubEnv('OPENVIDU_WEBHOOK_HEADERS', '["Authorization: Basic abc", "X-Tenant: blue"]')
    try {
      const both = openvidu({ url: 'https://openvidu.example.com', secret: 's' }).webhook!
      expect(await both.verify(delivery(sessionCreated, { Authorization: 'Basic abc', 'X-Tenant': 'blue' }))).toBe(true)
      expect(await both.verify(delivery(sessionCreated, { Authorization: 'Basic abc' }))).toBe(false)
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it('compares a value configured with spaces after ": " as it arrives (the HTTP parser strips them)', async () => {
    const spaced = openvidu({ url: 'https://openvidu.example.com', secret: 's', environmentVariables: { OPENVIDU_WEBHOOK_HEADERS: '["X-Hook:  token "]' } }).webhook!
    // What an HTTP server's Headers give for the line OpenVidu sends, "X-Hook:  token ".
    expect(await spaced.verify(delivery(sessionCreated, { 'X-Hook': '  token ' }))).toBe(true)
    expect(await spaced.verify(delivery(sessionCreated, { 'X-Hook': 'token2' }))).toBe(false)
  })

  it('OPENVIDU_WEBHOOK_HEADERS=[] (OpenVidu\'s default) or [""] means no webhook handler', () => {
    for (const value of ['[]', '[""]']) {
      const none = openvidu({ url: 'https://openvidu.example.com', secret: 's', environmentVariables: { OPENVIDU_WEBHOOK_HEADERS: value } })
      expect(none.webhook).toBeUndefined()
      expect(none.capabilities.webhooks).toBe(false)
    }
  })

  it('sameSecret compares whole values', () => {
    expect(sameSecret('abc', 'abc')).toBe(true)
    expect(sameSecret('abc', 'abd')).toBe(false)
    expect(sameSecret('ab', 'abc')).toBe(false)
    expect(sameSecret(null, 'abc')).toBe(false)
  })

  it('without a configured header there is no webhook handler, and the capability says so', () => {
    const plain = openvidu({ url: 'https://openvidu.example.com', secret: 's' })
    expect(plain.webhook).toBeUndefined()
    expect(plain.capabilities.webhooks).toBe(false)
    expect(adapter.capabilities.webhooks).toBe(true)
    expect(adapter.capabilities).toEqual(openViduServerCapabilities)
    expect(plain.capabilities).toEqual({ ...openViduServerCapabilities, webhooks: false })
  })
})

describe('parse: OpenVidu events normalized, raw kept', () => {
  it('sessionCreated → room-started', async () => {
    expect(await parseOne(sessionCreated)).toEqual({
      id: expect.stringMatching(/^openvidu-[0-9a-f]{40}$/),
      type: 'room-started',
      provider: 'openvidu',
      room: { providerRoomId: 'standup', name: 'standup' },
      occurredAt: '2023-11-14T22:13:20.000Z',
      raw: sessionCreated,
    })
  })

  it('sessionDestroyed → room-ended with the reason', async () => {
    expect(await parseOne(sessionDestroyed)).toMatchObject({ type: 'room-ended', reason: 'lastParticipantLeft', occurredAt: '2023-11-14T22:23:20.000Z' })
  })

  it('participantJoined / participantLeft → participant events with the identity from the server data', async () => {
    expect(await parseOne(participantJoined)).toMatchObject({
      type: 'participant-joined',
      participant: { identity: 'alice', name: 'Alice', providerParticipantId: 'con_Xnxg19tonh' },
    })
    expect(await parseOne(participantLeft)).toMatchObject({
      type: 'participant-left',
      reason: 'disconnect',
      participant: { identity: 'alice', providerParticipantId: 'con_Xnxg19tonh' },
    })
  })

  it('a participant without Callport server data is named by its connection id', async () => {
    const event = await parseOne({ ...participantJoined, serverData: '', clientData: '{"clientData":"Participant42"}' })
    expect(event).toMatchObject({ participant: { identity: 'con_Xnxg19tonh', name: 'Participant42' } })
  })

  it('recordingStatusChanged: started → recording-started; ready → recording-ended completed; failed → recording-ended failed', async () => {
    expect(await parseOne(recordingStarted)).toMatchObject({ type: 'recording-started', recording: { id: 'standup', status: 'started' } })
    expect(await parseOne(recordingReady)).toMatchObject({ type: 'recording-ended', recording: { id: 'standup', status: 'completed' } })
    expect(await parseOne(recordingFailed)).toMatchObject({ type: 'recording-ended', recording: { id: 'standup-1', status: 'failed' } })
  })

  it('recordingStatusChanged carries no url (CDREventRecordingStatusChanged.toJson), and none is read from a body that has one', async () => {
    // The members openvidu-server 2.32.2 writes: CDREvent (sessionId, uniqueSessionId, timestamp),
    // CDREventEnd (startTime, duration, reason), CDREventRecordingStatusChanged (id, name, outputMode,
    // resolution, frameRate, recordingLayout for COMPOSED with video, hasAudio, hasVideo, size,
    // duration, status), plus HttpWebhookSender's "event".
    expect(Object.keys(recordingReady).sort()).toEqual(
      [
        'sessionId',
        'uniqueSessionId',
        'timestamp',
        'startTime',
        'duration',
        'reason',
        'id',
        'name',
        'outputMode',
        'resolution',
        'frameRate',
        'recordingLayout',
        'hasAudio',
        'hasVideo',
        'size',
        'status',
        'event',
      ].sort(),
    )
    const ready = await parseOne(recordingReady)
    expect(ready).toMatchObject({ type: 'recording-ended', recording: { id: 'standup', status: 'completed' } })
    expect((ready as { recording: object }).recording).toEqual({ id: 'standup', status: 'completed' })
    const forged = await parseOne({ ...recordingReady, url: 'https://elsewhere.example.com/r.mp4' })
    expect((forged as { recording: object }).recording).toEqual({ id: 'standup', status: 'completed' })
  })

  it('intermediate recording statuses and other events → provider-event with the OpenVidu name', async () => {
    expect(await parseOne({ ...recordingStarted, status: 'stopped' })).toMatchObject({ type: 'provider-event', name: 'recordingStatusChanged' })
    expect(await parseOne(webrtcConnectionCreated)).toMatchObject({ type: 'provider-event', name: 'webrtcConnectionCreated', raw: webrtcConnectionCreated })
  })

  it('names the room of an escaped session id, and none for an id no room maps to', async () => {
    expect((await parseOne({ ...sessionCreated, sessionId: '_daily_2e_sync' })).room).toEqual({ providerRoomId: '_daily_2e_sync', name: 'daily.sync' })
    expect((await parseOne({ ...sessionCreated, sessionId: '-manual' })).room).toEqual({ providerRoomId: '-manual', name: 'openvidu~-manual' })
    const long = 'a'.repeat(200)
    expect((await parseOne({ ...sessionCreated, sessionId: long })).room).toEqual({ providerRoomId: long })
  })

  it('ids are stable across deliveries and key orders, and differ between events', async () => {
    const reordered = Object.fromEntries(Object.entries(participantJoined).reverse())
    const first = await parseOne(participantJoined)
    expect((await parseOne(reordered)).id).toBe(first.id)
    expect((await parseOne(participantLeft)).id).not.toBe(first.id)
    expect((await parseOne({ ...participantJoined, timestamp: participantJoined.timestamp + 1 })).id).not.toBe(first.id)
  })

  it('refuses a body that is not an OpenVidu event with INVALID_INPUT', async () => {
    const parsing = (request: WebhookRequest) => Promise.resolve().then(() => webhook.parse(request))
    await expect(parsing({ ...delivery({}), body: 'not json' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(parsing(delivery({ event: 'sessionCreated' }))).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})

describe('through createCallServer', () => {
  const calls = createCallServer({ providers: [adapter], authorize: async () => null, basePath: '/calls' })
  const post = (body: unknown, headers: Record<string, string> = { authorization: header.value }) =>
    calls.fetch(
      new Request('https://app.example.com/calls/webhooks/openvidu', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
    )

  it('emits each event once, dropping a duplicate delivery', async () => {
    const joined = vi.fn()
    calls.on('participant-joined', joined)
    expect((await post(participantJoined)).status).toBe(204)
    expect((await post(participantJoined)).status).toBe(204)
    expect(joined).toHaveBeenCalledTimes(1)
    expect(joined.mock.calls[0]?.[0]).toMatchObject({ participant: { identity: 'alice' }, raw: participantJoined })
  })

  it('answers 403 to a delivery without the header, emitting nothing', async () => {
    const any = vi.fn()
    calls.on('webhook', any)
    expect((await post(sessionCreated, {})).status).toBe(403)
    expect(any).not.toHaveBeenCalled()
  })
})
