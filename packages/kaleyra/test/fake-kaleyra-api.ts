import { randomBytes } from 'node:crypto'
import { http, HttpResponse, type HttpHandler } from 'msw'
import * as z from 'zod'
import badExpiresIn from './fixtures/bad-expires-in.json'
import credentialsSuccess from './fixtures/credentials-success.json'
import roomCreated from './fixtures/room-created.json'
import unauthorizedBadApiKey from './fixtures/unauthorized-bad-apikey.json'
import unauthorizedMissingApiKey from './fixtures/unauthorized-missing-apikey.json'
import userNotFound from './fixtures/user-not-found.json'

/** A fake of the Kaleyra REST API (msw handlers) that answers as reference/vendors.md §4 documents. */

export interface RecordedRequest {
  path: string
  apiKey: string | null
  body: unknown
}

type Answer = () => Response | Promise<Response>

export interface FakeKaleyraApi {
  handlers: HttpHandler[]
  requests: RecordedRequest[]
  requestsTo(path: string): RecordedRequest[]
  /** Members of each Kaleyra room, by room id. */
  rooms: Map<string, Set<string>>
  /** The next requests to `path` get these answers, in order, instead of the normal one. */
  script(path: string, ...answers: Answer[]): void
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response => HttpResponse.json(body as Record<string, unknown>, { status, headers })

const CredentialsRequestSchema = z.object({ user_id: z.string(), expires_in: z.number().optional() })
const RoomParticipantsSchema = z.object({
  participants: z.array(z.object({ user_id: z.string(), is_admin: z.boolean() })).min(1),
})

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

/** An access token shaped like Kaleyra's documented sample (opaque to Callport). */
function accessToken(user: string, issuedAt: number, expiresAt: number): string {
  const claims = { user, companyId: 'company_1', allowCamera: true, iat: issuedAt, exp: expiresAt, iss: '@switchboard-core', sub: `${user}#company_1` }
  return `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}.${randomBytes(16).toString('base64url')}`
}

const joinUrl = (): string => `https://sandbox.bandyer.com/eu/direct-rest-call-handler/${randomBytes(8).toString('hex')}`

export function createFakeKaleyraApi(options: { baseUrl: string; apiKey: string; knownUsers?: readonly string[] }): FakeKaleyraApi {
  const requests: RecordedRequest[] = []
  const scripts = new Map<string, Answer[]>()
  const rooms = new Map<string, Set<string>>()

  /** Records the request; answers a scripted or an authentication failure, or undefined to go on. */
  async function intercept(request: Request, path: string): Promise<{ early?: Response; body: unknown }> {
    const text = await request.text()
    let body: unknown
    try {
      body = text === '' ? undefined : JSON.parse(text)
    } catch {
      body = text
    }
    const apiKey = request.headers.get('apikey')
    requests.push({ path, apiKey, body })
    const scripted = scripts.get(path)?.shift()
    if (scripted) return { early: await scripted(), body }
    if (apiKey === null) return { early: json(unauthorizedMissingApiKey, 401), body }
    if (apiKey !== options.apiKey) return { early: json(unauthorizedBadApiKey, 401), body }
    return { body }
  }

  const roomAnswer = (roomId: string, users: readonly { user_id: string; is_admin: boolean }[]): Response =>
    json({
      room: {
        ...roomCreated.room,
        room_id: roomId,
        user_urls: users.map(({ user_id, is_admin }) => ({ user: user_id, url: joinUrl(), tools: {}, is_admin })),
      },
    })

  const handlers: HttpHandler[] = [
    http.post(`${options.baseUrl}/rest/sdk/credentials`, async ({ request }) => {
      const { early, body } = await intercept(request, '/rest/sdk/credentials')
      if (early) return early
      const parsed = CredentialsRequestSchema.safeParse(body)
      if (!parsed.success) return json(badExpiresIn, 400)
      const expiresIn = parsed.data.expires_in ?? 3600
      if (!Number.isInteger(expiresIn) || expiresIn < 360 || expiresIn > 86_400) return json(badExpiresIn, 400)
      if (options.knownUsers && !options.knownUsers.includes(parsed.data.user_id)) return json(userNotFound, 404)
      const now = Math.floor(Date.now() / 1000)
      return json({
        ...credentialsSuccess,
        access_token: accessToken(parsed.data.user_id, now, now + expiresIn),
        expires_at: new Date((now + expiresIn) * 1000).toISOString(),
        user_id: parsed.data.user_id,
      })
    }),
    http.post(`${options.baseUrl}/rest/room/create`, async ({ request }) => {
      const { early, body } = await intercept(request, '/rest/room/create')
      if (early) return early
      const parsed = RoomParticipantsSchema.safeParse(body)
      if (!parsed.success) return json({ error: 'validation_error', message: parsed.error.message }, 400)
      const roomId = `room_${randomBytes(6).toString('hex')}`
      rooms.set(roomId, new Set(parsed.data.participants.map((participant) => participant.user_id)))
      return roomAnswer(roomId, parsed.data.participants)
    }),
    http.post(`${options.baseUrl}/rest/room/:roomId/participants/add`, async ({ request, params }) => {
      const roomId = String(params.roomId)
      const { early, body } = await intercept(request, `/rest/room/${roomId}/participants/add`)
      if (early) return early
      const members = rooms.get(roomId)
      if (!members) return json({ error: 'room_not_found', message: 'No such room' }, 404)
      const parsed = RoomParticipantsSchema.safeParse(body)
      if (!parsed.success) return json({ error: 'validation_error', message: parsed.error.message }, 400)
      for (const participant of parsed.data.participants) members.add(participant.user_id)
      return roomAnswer(roomId, parsed.data.participants)
    }),
  ]

  return {
    handlers,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    rooms,
    script(path, ...answers) {
      scripts.set(path, [...(scripts.get(path) ?? []), ...answers])
    },
  }
}
