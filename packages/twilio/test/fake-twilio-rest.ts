import { http, HttpResponse, type HttpHandler } from 'msw'
import authenticateError from './fixtures/error-authenticate.json'
import notFoundError from './fixtures/error-not-found.json'
import roomExistsError from './fixtures/error-room-exists.json'
import roomNameInvalidError from './fixtures/error-room-name-invalid.json'
import participantsPage from './fixtures/participants-page.json'
import type { FakeTwilioCloud } from './fake-twilio-cloud'

/**
 * The Video Rooms REST API over a FakeTwilioCloud, as msw handlers, answering what
 * reference/vendors.md §2.3 documents: form-encoded requests, Basic auth with the API key, JSON
 * resources and Twilio's error body.
 */

export interface RecordedRequest {
  method: string
  /** The path, without the query string. */
  path: string
  /** The form body (POST) or the query (GET); a repeated name gives every value, in order. */
  parameters: Record<string, string | string[]>
  authorization: string | null
  contentType: string | null
}

type Answer = () => Response | Promise<Response>

export interface FakeTwilioRest {
  handlers: HttpHandler[]
  requests: RecordedRequest[]
  /** The next requests `METHOD /path` (the path as sent) get these answers, in order. */
  script(route: string, ...answers: Answer[]): void
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response => HttpResponse.json(body as Record<string, unknown>, { status, headers })

const twilioError = (fixture: { code: number; message: string; more_info: string }, status: number, message = fixture.message): Response =>
  json({ ...fixture, message, status }, status)

/** Page size Twilio uses when none is asked for. */
const DEFAULT_PAGE_SIZE = 50

export function createFakeTwilioRest(cloud: FakeTwilioCloud, baseUrl = 'https://video.twilio.com'): FakeTwilioRest {
  const requests: RecordedRequest[] = []
  const scripts = new Map<string, Answer[]>()
  const { apiKeySid, apiKeySecret } = cloud.options
  const expectedAuthorization = `Basic ${Buffer.from(`${apiKeySid}:${apiKeySecret}`).toString('base64')}`

  async function intercept(request: Request): Promise<{ early?: Response; parameters: Record<string, string> }> {
    const url = new URL(request.url)
    const form = request.method === 'GET' ? url.searchParams : new URLSearchParams(await request.text())
    const recorded: Record<string, string | string[]> = {}
    for (const name of new Set(form.keys())) {
      const values = form.getAll(name)
      recorded[name] = values.length === 1 ? values[0]! : values
    }
    // The handlers read one value per name, the last, as Twilio's API does for single-valued fields.
    const parameters = Object.fromEntries(form)
    const authorization = request.headers.get('authorization')
    requests.push({ method: request.method, path: url.pathname, parameters: recorded, authorization, contentType: request.headers.get('content-type') })
    const scripted = scripts.get(`${request.method} ${url.pathname}`)?.shift()
    if (scripted) return { early: await scripted(), parameters }
    if (authorization !== expectedAuthorization) return { early: twilioError(authenticateError, 401), parameters }
    return { parameters }
  }

  const notFound = (path: string): Response => twilioError(notFoundError, 404, `The requested resource ${path} was not found`)

  const handlers: HttpHandler[] = [
    http.post(`${baseUrl}/v1/Rooms`, async ({ request }) => {
      const { early, parameters } = await intercept(request)
      if (early) return early
      const name = parameters.UniqueName
      if (name !== undefined && (name.length === 0 || name.length > 128)) return twilioError(roomNameInvalidError, 400)
      if (name !== undefined && cloud.find(name)?.json.status === 'in-progress') return twilioError(roomExistsError, 400)
      return json(cloud.createRoom(name, parameters).json, 201)
    }),
    http.get(`${baseUrl}/v1/Rooms/:room`, async ({ request, params }) => {
      const { early } = await intercept(request)
      if (early) return early
      const room = cloud.find(String(params.room))
      return room ? json(room.json) : notFound(new URL(request.url).pathname)
    }),
    http.post(`${baseUrl}/v1/Rooms/:room`, async ({ request, params }) => {
      const { early, parameters } = await intercept(request)
      if (early) return early
      const room = cloud.find(String(params.room))
      if (!room) return notFound(new URL(request.url).pathname)
      if (parameters.Status !== 'completed')
        return json({ code: 53112, message: 'Status is invalid', more_info: 'https://www.twilio.com/docs/errors/53112', status: 400 }, 400)
      // reference/vendors.md §7: completing a room that already ended answers 53112.
      if (room.json.status !== 'in-progress')
        return json({ code: 53112, message: 'Room is not in-progress', more_info: 'https://www.twilio.com/docs/errors/53112', status: 400 }, 400)
      cloud.completeRoom(room)
      return json(room.json)
    }),
    http.get(`${baseUrl}/v1/Rooms/:room/Participants`, async ({ request, params }) => {
      const { early, parameters } = await intercept(request)
      if (early) return early
      const room = cloud.find(String(params.room))
      if (!room) return notFound(new URL(request.url).pathname)
      const size = Number(parameters.PageSize ?? DEFAULT_PAGE_SIZE)
      const page = Number(parameters.Page ?? 0)
      const all = [...room.participants.values()]
        .map((participant) => participant.json)
        .filter((participant) => !parameters.Status || participant.status === parameters.Status)
      const pageUrl = (number: number) => `${baseUrl}/v1/Rooms/${room.json.sid}/Participants?Status=${parameters.Status ?? ''}&PageSize=${size}&Page=${number}`
      return json({
        participants: all.slice(page * size, (page + 1) * size),
        meta: {
          ...participantsPage.meta,
          page,
          page_size: size,
          first_page_url: pageUrl(0),
          previous_page_url: page > 0 ? pageUrl(page - 1) : null,
          url: pageUrl(page),
          next_page_url: (page + 1) * size < all.length ? pageUrl(page + 1) : null,
        },
      })
    }),
    http.post(`${baseUrl}/v1/Rooms/:room/Participants/:participant`, async ({ request, params }) => {
      const { early, parameters } = await intercept(request)
      if (early) return early
      const room = cloud.find(String(params.room))
      const key = String(params.participant)
      const participant = room && [...room.participants.values()].find((each) => each.json.identity === key || each.json.sid === key)
      if (!room || !participant) return notFound(new URL(request.url).pathname)
      if (parameters.Status === 'disconnected') cloud.leave(room, participant, null)
      return json(participant.json)
    }),
  ]

  return {
    handlers,
    requests,
    script(route, ...answers) {
      scripts.set(route, [...(scripts.get(route) ?? []), ...answers])
    },
  }
}
