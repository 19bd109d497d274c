import { createHmac, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { JoinResponseSchema, ProblemSchema, type WebhookEvent } from '@callport/core'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import twilioNode from 'twilio'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTokenServer } from '../src/token-server'

const accountSid = `AC${'1'.repeat(32)}`
const apiKeySid = `SK${'2'.repeat(32)}`
const apiKeySecret = 'example-api-key-secret'
const authToken = 'example-auth-token-0123456789'
const statusCallbackUrl = 'https://calls.example.com/calls/webhooks/twilio'

/** Twilio's Rooms REST API, faked as its documentation describes it (form bodies, Basic auth, room JSON, error JSON). */
const rooms = new Map<string, { sid: string; unique_name: string; status: string; date_created: string; status_callback: string | null }>()
const vendorRequests: { method: string; path: string; form: Record<string, string>; authorization: string | null }[] = []
const twilioApi = setupServer(
  http.post('https://video.twilio.com/v1/Rooms', async ({ request }) => {
    const form = Object.fromEntries(new URLSearchParams(await request.text()))
    vendorRequests.push({ method: 'POST', path: '/v1/Rooms', form, authorization: request.headers.get('authorization') })
    if (rooms.has(form.UniqueName ?? '')) {
      return HttpResponse.json({ code: 53113, message: 'Room exists', more_info: 'https://www.twilio.com/docs/errors/53113', status: 400 }, { status: 400 })
    }
    const room = {
      sid: `RM${randomBytes(16).toString('hex')}`,
      unique_name: form.UniqueName ?? '',
      status: 'in-progress',
      date_created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      status_callback: form.StatusCallback ?? null,
    }
    rooms.set(room.unique_name, room)
    return HttpResponse.json({ ...room, account_sid: accountSid, type: 'group', status_callback_method: 'POST', end_time: null, duration: null }, { status: 201 })
  }),
  http.get('https://video.twilio.com/v1/Rooms/:name', ({ request, params }) => {
    vendorRequests.push({ method: 'GET', path: new URL(request.url).pathname, form: {}, authorization: request.headers.get('authorization') })
    const room = rooms.get(String(params.name))
    if (room) return HttpResponse.json({ ...room, account_sid: accountSid, type: 'group' })
    return HttpResponse.json(
      { code: 20404, message: 'The requested resource was not found', more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 },
      { status: 404 },
    )
  }),
)

let origin: string
let events: WebhookEvent[]
let close: () => Promise<void>

async function start() {
  const { server, calls } = createTokenServer({ accountSid, apiKeySid, apiKeySecret, authToken, statusCallbackUrl })
  events = []
  calls.on('webhook', (event) => events.push(event))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

const join = (room: string, user?: string) =>
  fetch(`${origin}/calls/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(user ? { 'x-user-id': user } : {}) },
    body: JSON.stringify({ room }),
  })

const statusCallback = (parameters: Record<string, string>, signature: string) =>
  fetch(`${origin}/calls/webhooks/twilio`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(parameters),
  })

const decode = (part: string | undefined): Record<string, unknown> => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'))

beforeAll(() =>
  twilioApi.listen({
    onUnhandledRequest: (request, print) => {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error()
    },
  }),
)
afterAll(() => twilioApi.close())
beforeEach(async () => {
  rooms.clear()
  vendorRequests.length = 0
  await start()
})
afterEach(() => close())

describe('the Twilio token server', () => {
  it('POST /calls/join creates the room with its status callback and answers a Twilio Access Token', async () => {
    const before = Math.floor(Date.now() / 1000)
    const response = await join('standup', 'alice')
    expect(response.status).toBe(200)
    const { room, token } = JoinResponseSchema.parse(await response.json())
    expect(room).toMatchObject({ name: 'standup', provider: 'twilio', providerRoomId: rooms.get('standup')?.sid })
    expect(token).toMatchObject({ provider: 'twilio', room: 'standup', identity: 'alice', connect: { roomName: 'standup' } })

    const [header, payload, signature] = token.value.split('.')
    expect(decode(header)).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' })
    const claims = decode(payload)
    expect(claims).toMatchObject({ grants: { identity: 'alice', video: { room: 'standup' } }, iss: apiKeySid, sub: accountSid })
    expect(claims.jti).toBe(`${apiKeySid}-${String(claims.iat)}`)
    expect(claims.iat).toBeGreaterThanOrEqual(before)
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600)
    expect(Date.parse(token.expiresAt)).toBe(Number(claims.exp) * 1000)
    expect(signature).toBe(createHmac('sha256', apiKeySecret).update(`${header}.${payload}`).digest('base64url'))

    expect(vendorRequests[0]).toEqual({
      method: 'POST',
      path: '/v1/Rooms',
      form: { UniqueName: 'standup', StatusCallback: statusCallbackUrl, StatusCallbackMethod: 'POST' },
      authorization: `Basic ${Buffer.from(`${apiKeySid}:${apiKeySecret}`).toString('base64')}`,
    })
  })

  it('a second participant joins the same Twilio room (53113 → fetched by name)', async () => {
    const first = JoinResponseSchema.parse(await (await join('standup', 'alice')).json())
    const second = JoinResponseSchema.parse(await (await join('standup', 'bob')).json())
    expect(second.room.providerRoomId).toBe(first.room.providerRoomId)
    expect(second.token.identity).toBe('bob')
  })

  it('refuses an anonymous request with 401 and asks Twilio nothing', async () => {
    const response = await join('standup')
    expect(response.status).toBe(401)
    expect(ProblemSchema.parse(await response.json()).code).toBe('UNAUTHORIZED')
    expect(vendorRequests).toEqual([])
  })

  it('accepts a status callback signed as Twilio signs it, and answers 403 to a wrong signature', async () => {
    const { room } = JoinResponseSchema.parse(await (await join('standup', 'alice')).json())
    const parameters = {
      AccountSid: accountSid,
      RoomName: 'standup',
      RoomSid: room.providerRoomId,
      StatusCallbackEvent: 'participant-connected',
      ParticipantIdentity: 'alice',
      ParticipantSid: `PA${'3'.repeat(32)}`,
      SequenceNumber: '1',
      Timestamp: new Date().toISOString(),
    }
    // Twilio signs the URL it posts to: the StatusCallback of the room (a proxy in front of this server).
    const valid = twilioNode.getExpectedTwilioSignature(authToken, statusCallbackUrl, parameters)
    expect((await statusCallback(parameters, valid)).status).toBe(204)
    expect(events).toMatchObject([{ type: 'participant-joined', participant: { identity: 'alice' }, room: { name: 'standup', providerRoomId: room.providerRoomId } }])

    const wrong = twilioNode.getExpectedTwilioSignature('another-auth-token', statusCallbackUrl, parameters)
    const refused = await statusCallback({ ...parameters, SequenceNumber: '2' }, wrong)
    expect(refused.status).toBe(403)
    expect(ProblemSchema.parse(await refused.json())).toMatchObject({ code: 'FORBIDDEN', provider: 'twilio' })
    expect(events).toHaveLength(1)
  })

  it('also accepts a callback signed over the URL this server was reached at', async () => {
    const parameters = { AccountSid: accountSid, RoomName: 'standup', RoomSid: `RM${'4'.repeat(32)}`, StatusCallbackEvent: 'room-created', SequenceNumber: '0' }
    const signature = twilioNode.getExpectedTwilioSignature(authToken, `${origin}/calls/webhooks/twilio`, parameters)
    expect((await statusCallback(parameters, signature)).status).toBe(204)
    expect(events.map((event) => event.type)).toEqual(['room-started'])
  })
})
