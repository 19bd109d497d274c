import { createHmac } from 'node:crypto'
import { ProblemSchema, type WebhookEvent, type WebhookHandler, type WebhookRequest } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { createCallServer, createMemoryRoomStore, REMEMBERED_WEBHOOK_EVENTS } from '../src/index'
import { RecentIds } from '../src/recent-ids'
import { alice, stubAdapter } from './stub-adapter'

const secret = 'webhook-secret'
const sign = (url: string, body: string) =>
  createHmac('sha256', secret)
    .update(url + body)
    .digest('hex')

/** A vendor-like webhook: HMAC of URL + body in a header; the body is a JSON array of small events. */
function signedWebhook(verified: WebhookRequest[]): WebhookHandler {
  return {
    verify(request) {
      verified.push(request)
      return request.headers.get('x-stub-signature') === sign(request.url, request.body)
    },
    parse(request) {
      const items = JSON.parse(request.body) as { id: string; type: string; room: string; roomId: string; identity?: string }[]
      return items.map((item): WebhookEvent => {
        const common = { id: item.id, provider: 'stub', room: { name: item.room, providerRoomId: item.roomId }, occurredAt: '2026-01-01T00:00:00.000Z', raw: item }
        if (item.type === 'joined') return { ...common, type: 'participant-joined', participant: { identity: item.identity ?? '?' } }
        if (item.type === 'ended') return { ...common, type: 'room-ended' }
        return { ...common, type: 'provider-event', name: item.type }
      })
    },
  }
}

function setup(webhookUrl?: (request: Request) => string | undefined) {
  const verified: WebhookRequest[] = []
  const stub = stubAdapter('stub', { webhook: signedWebhook(verified) })
  const plain = stubAdapter('plain')
  const store = createMemoryRoomStore()
  const errors: unknown[] = []
  const calls = createCallServer({
    providers: [stub, plain],
    authorize: async () => alice,
    roomStore: store,
    basePath: '/calls',
    webhookUrl,
    onError: (error) => errors.push(error),
  })
  const events: WebhookEvent[] = []
  const joined: WebhookEvent[] = []
  calls.on('webhook', (event) => events.push(event))
  calls.on('participant-joined', (event) => joined.push(event))
  const deliver = (events: unknown[], options: { url?: string; signedUrl?: string; signature?: string } = {}) => {
    const url = options.url ?? 'http://app.internal/calls/webhooks/stub'
    const body = JSON.stringify(events)
    const signature = options.signature ?? sign(options.signedUrl ?? url, body)
    return calls.fetch(new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-stub-signature': signature }, body }))
  }
  return { calls, stub, store, events, joined, verified, deliver, errors }
}

describe('POST /webhooks/:provider', () => {
  it('verifies, parses and emits each event by type and as `webhook`, answering 204', async () => {
    const { deliver, events, joined, verified } = setup()
    const response = await deliver([
      { id: 'e1', type: 'joined', room: 'standup', roomId: 'R1', identity: 'alice' },
      { id: 'e2', type: 'recording-ready', room: 'standup', roomId: 'R1' },
    ])
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
    expect(events.map((event) => [event.id, event.type])).toEqual([
      ['e1', 'participant-joined'],
      ['e2', 'provider-event'],
    ])
    expect(joined).toEqual([events[0]])
    expect(verified[0]).toMatchObject({ url: 'http://app.internal/calls/webhooks/stub', method: 'POST' })
  })

  it('answers 403 when verification fails, emitting nothing', async () => {
    const { deliver, events } = setup()
    const response = await deliver([{ id: 'e1', type: 'joined', room: 'standup', roomId: 'R1' }], { signature: 'forged' })
    expect(response.status).toBe(403)
    expect(ProblemSchema.parse(await response.json())).toMatchObject({ code: 'FORBIDDEN', provider: 'stub' })
    expect(events).toEqual([])
  })

  it('answers 404 for a provider without a webhook and for an unknown provider', async () => {
    const { calls } = setup()
    for (const provider of ['plain', 'nobody']) {
      const response = await calls.fetch(new Request(`http://app.internal/calls/webhooks/${provider}`, { method: 'POST', body: '[]' }))
      expect(response.status).toBe(404)
      expect(ProblemSchema.parse(await response.json()).code).toBe('NOT_FOUND')
    }
  })

  it('gives verify the public URL from webhookUrl, as a proxy-aware app passes it', async () => {
    const { deliver, verified, events } = setup((request) => request.url.replace('http://app.internal', 'https://calls.example.com'))
    const body = [{ id: 'e1', type: 'joined', room: 'standup', roomId: 'R1' }]
    const response = await deliver(body, { signedUrl: 'https://calls.example.com/calls/webhooks/stub' })
    expect(response.status).toBe(204)
    expect(verified[0]?.url).toBe('https://calls.example.com/calls/webhooks/stub')
    expect(events).toHaveLength(1)
    // Signed for the internal URL: refused, since the vendor signs the public one.
    expect((await deliver([{ id: 'e2', type: 'joined', room: 'standup', roomId: 'R1' }])).status).toBe(403)
  })

  it('drops duplicate deliveries of the same event id, within and across deliveries', async () => {
    const { deliver, events } = setup()
    const event = { id: 'e1', type: 'joined', room: 'standup', roomId: 'R1', identity: 'alice' }
    expect((await deliver([event, event])).status).toBe(204)
    expect((await deliver([event, { ...event, id: 'e2' }])).status).toBe(204)
    expect(events.map((each) => each.id)).toEqual(['e1', 'e2'])
  })

  it('processes a redelivery when a listener failed the first time', async () => {
    const { calls, deliver, events, errors } = setup()
    let failures = 1
    calls.on('participant-joined', () => {
      if (failures-- > 0) throw new Error('listener failed')
    })
    const event = { id: 'e1', type: 'joined', room: 'standup', roomId: 'R1' }
    expect((await deliver([event])).status).toBe(500)
    expect(String(errors[0])).toContain('listener failed')
    expect((await deliver([event])).status).toBe(204)
    expect(events.map((each) => each.id)).toEqual(['e1'])
  })

  it('forgets a room when its provider reports room-ended, so routing applies to it again', async () => {
    const { calls, deliver, store, stub } = setup()
    const joined = await calls.join({ room: 'standup', participant: alice })
    expect(joined.room.provider).toBe('stub')
    // An ended event for an older incarnation of the room leaves the record alone.
    await deliver([{ id: 'old', type: 'ended', room: 'standup', roomId: 'an-older-room' }])
    expect(await store.get('standup')).toBeDefined()
    await deliver([{ id: 'end', type: 'ended', room: 'standup', roomId: joined.room.providerRoomId }])
    expect(await store.get('standup')).toBeUndefined()
    expect(stub.rooms.has('standup')).toBe(true)
  })

  it('refuses webhook bodies over 16 KiB', async () => {
    const { deliver } = setup()
    const response = await deliver([{ id: 'e1', type: 'joined', room: 'standup', roomId: 'R1', identity: 'x'.repeat(17_000) }])
    expect(response.status).toBe(413)
  })
})

describe('RecentIds', () => {
  it('remembers at most its capacity, forgetting the oldest first', () => {
    const recent = new RecentIds(3)
    for (const id of ['a', 'b', 'c']) recent.add(id)
    recent.add('a') // refreshed: now the newest
    recent.add('d')
    expect(['a', 'b', 'c', 'd'].map((id) => recent.has(id))).toEqual([true, false, true, true])
    expect(recent.size).toBe(3)
  })

  it('stays bounded under many ids, at the receiver’s default capacity', () => {
    const recent = new RecentIds(REMEMBERED_WEBHOOK_EVENTS)
    for (let index = 0; index < REMEMBERED_WEBHOOK_EVENTS + 500; index++) recent.add(`id-${index}`)
    expect(recent.size).toBe(REMEMBERED_WEBHOOK_EVENTS)
    expect(recent.has('id-499')).toBe(false)
    expect(recent.has('id-500')).toBe(true)
  })
})
