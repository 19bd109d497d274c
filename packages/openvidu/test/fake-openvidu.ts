import { randomInt } from 'node:crypto'
import { http, HttpResponse, type HttpHandler } from 'msw'
import activeConnectionFixture from './fixtures/connection-active.json'
import pendingConnectionFixture from './fixtures/connection-pending.json'
import badCustomSessionId from './fixtures/error-bad-custom-session-id.json'
import badRole from './fixtures/error-bad-role.json'
import sessionFixture from './fixtures/session.json'

/**
 * OpenVidu 2.32's REST API faked with msw, answering as reference/vendors.md §1 documents: Basic auth
 * `OPENVIDUAPP:<secret>` (401 otherwise), Session and Connection JSON shaped like the fixtures, EMPTY
 * bodies for 409/404/204, 400 error JSON where OpenVidu generates one, ids in OpenVidu's formats.
 */

export interface RecordedRequest {
  method: string
  /** Path without the query. */
  path: string
  search: string
  authorization: string | null
  body: unknown
}

type Answer = () => Response | Promise<Response>

interface FakeConnection {
  json: Record<string, unknown>
}

interface FakeSession {
  json: Record<string, unknown>
  connections: Map<string, FakeConnection>
}

export interface FakeOpenVidu {
  url: string
  secret: string
  handlers: HttpHandler[]
  requests: RecordedRequest[]
  sessions: Map<string, FakeSession>
  /** The requests whose method and path match (the path may end with `*`). */
  requestsTo(method: string, path: string): RecordedRequest[]
  /** The next requests with this method and path get these answers, in order, before the normal ones. */
  script(method: string, path: string, ...answers: Answer[]): void
  /** A browser joined with the connection's token: the connection becomes active. */
  activate(sessionId: string, connectionId: string, clientData?: string): Record<string, unknown>
  /** OpenVidu closed the session by itself (its last participant left). */
  dropSession(sessionId: string): void
  /** Called when a REST DELETE removes a connection or a session (the fake browser SDK evicts its sessions). */
  onDelete(listener: (sessionId: string, connectionId?: string) => void): void
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const ALPHANUMERIC = `${UPPER}abcdefghijklmnopqrstuvwxyz0123456789`
const pick = (alphabet: string): string => alphabet[randomInt(alphabet.length)] ?? 'A'

/** `<prefix>` + one uppercase letter + `length` letters or digits (`core/IdentifierPrefixes.java`). */
export function openViduId(prefix: 'ses_' | 'con_' | 'tok_', length: number): string {
  let id = `${prefix}${pick(UPPER)}`
  for (let index = 0; index < length; index += 1) id += pick(ALPHANUMERIC)
  return id
}

const empty = (status: number): Response => new HttpResponse(null, { status })
const json = (body: unknown, status = 200): Response => HttpResponse.json(body as Record<string, unknown>, { status })
const clone = <T>(value: T): T => structuredClone(value)

/** The WebSocket URL OpenVidu puts in tokens: its public URL with http(s) → ws(s), no trailing slash (`TokenGenerator`). */
export function tokenUrlOf(url: string): string {
  return url.replace(/^http/, 'ws').replace(/\/+$/, '')
}

export function createFakeOpenVidu(options: { url?: string; secret?: string } = {}): FakeOpenVidu {
  const url = options.url ?? 'https://openvidu.example.com'
  const secret = options.secret ?? 'MY_SECRET'
  const api = `${url}/openvidu/api`
  const expectedAuthorization = `Basic ${Buffer.from(`OPENVIDUAPP:${secret}`).toString('base64')}`
  const requests: RecordedRequest[] = []
  const scripts = new Map<string, Answer[]>()
  const sessions = new Map<string, FakeSession>()
  const deleteListeners: ((sessionId: string, connectionId?: string) => void)[] = []

  const pathMatches = (pattern: string, path: string): boolean => (pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path)

  /** Records the request; answers a scripted response or a 401, or undefined to go on. */
  async function intercept(request: Request): Promise<{ early?: Response; body: unknown }> {
    const { pathname, search } = new URL(request.url)
    const text = await request.text()
    let body: unknown
    try {
      body = text === '' ? undefined : JSON.parse(text)
    } catch {
      body = text
    }
    const authorization = request.headers.get('authorization')
    requests.push({ method: request.method, path: pathname, search, authorization, body })
    const scripted = scripts.get(`${request.method} ${pathname}`)?.shift()
    if (scripted) return { early: await scripted(), body }
    if (authorization !== expectedAuthorization) {
      return { early: new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="Realm"' } }), body }
    }
    return { body }
  }

  const sessionJson = (session: FakeSession, pending: boolean): Record<string, unknown> => {
    const content = [...session.connections.values()].map((connection) => connection.json).filter((connection) => pending || connection.status === 'active')
    return { ...session.json, connections: { numberOfElements: content.length, content } }
  }

  const isTrue = (value: string | null, fallback: boolean): boolean => (value === null ? fallback : value === 'true')

  const handlers: HttpHandler[] = [
    http.post(`${api}/sessions`, async ({ request }) => {
      const { early, body } = await intercept(request)
      if (early) return early
      const properties = (body ?? {}) as { customSessionId?: unknown }
      const custom = properties.customSessionId
      if (custom !== undefined && custom !== null && custom !== '' && (typeof custom !== 'string' || !/^[a-zA-Z0-9_-]+$/.test(custom))) {
        return json(badCustomSessionId, 400)
      }
      const id = typeof custom === 'string' && custom !== '' ? custom : openViduId('ses_', 9)
      if (sessions.has(id)) return empty(409)
      const session: FakeSession = {
        json: { ...clone(sessionFixture), id, sessionId: id, createdAt: Date.now(), customSessionId: typeof custom === 'string' ? custom : '' },
        connections: new Map(),
      }
      sessions.set(id, session)
      return json(sessionJson(session, false))
    }),
    http.get(`${api}/sessions/:sessionId`, async ({ request, params }) => {
      const { early } = await intercept(request)
      if (early) return early
      const session = sessions.get(String(params.sessionId))
      if (!session) return empty(404)
      return json(sessionJson(session, isTrue(new URL(request.url).searchParams.get('pendingConnections'), false)))
    }),
    http.delete(`${api}/sessions/:sessionId`, async ({ request, params }) => {
      const { early } = await intercept(request)
      if (early) return early
      if (!sessions.delete(String(params.sessionId))) return empty(404)
      for (const listener of deleteListeners) listener(String(params.sessionId))
      return empty(204)
    }),
    http.post(`${api}/sessions/:sessionId/connection`, async ({ request, params }) => {
      const { early, body } = await intercept(request)
      if (early) return early
      const sessionId = String(params.sessionId)
      const session = sessions.get(sessionId)
      if (!session) return empty(404)
      const properties = (body ?? {}) as { type?: unknown; data?: unknown; role?: unknown; record?: unknown }
      const role = properties.role ?? 'PUBLISHER'
      if (typeof role !== 'string' || !['PUBLISHER', 'SUBSCRIBER', 'MODERATOR'].includes(role)) return json(badRole, 400)
      if (properties.type !== undefined && properties.type !== null && properties.type !== 'WEBRTC') return json({ ...badRole, message: 'Type error' }, 400)
      const id = openViduId('con_', 9)
      const connection = {
        ...clone(pendingConnectionFixture),
        id,
        connectionId: id,
        sessionId,
        createdAt: Date.now(),
        role,
        record: typeof properties.record === 'boolean' ? properties.record : true,
        serverData: typeof properties.data === 'string' ? properties.data : '',
        token: `${tokenUrlOf(url)}?sessionId=${sessionId}&token=${openViduId('tok_', 15)}`,
      }
      session.connections.set(id, { json: connection })
      return json(connection)
    }),
    http.get(`${api}/sessions/:sessionId/connection`, async ({ request, params }) => {
      const { early } = await intercept(request)
      if (early) return early
      const session = sessions.get(String(params.sessionId))
      if (!session) return empty(404)
      const { connections } = sessionJson(session, isTrue(new URL(request.url).searchParams.get('pendingConnections'), true)) as {
        connections: unknown
      }
      return json(connections)
    }),
    http.delete(`${api}/sessions/:sessionId/connection/:connectionId`, async ({ request, params }) => {
      const { early } = await intercept(request)
      if (early) return early
      const session = sessions.get(String(params.sessionId))
      // SessionRestController.closeConnection (2.32.2): an unknown session is an EMPTY 400.
      if (!session) return empty(400)
      if (!session.connections.delete(String(params.connectionId))) return empty(404)
      for (const listener of deleteListeners) listener(String(params.sessionId), String(params.connectionId))
      return empty(204)
    }),
  ]

  return {
    url,
    secret,
    handlers,
    requests,
    sessions,
    requestsTo: (method, path) => requests.filter((request) => request.method === method && pathMatches(path, request.path)),
    script(method, path, ...answers) {
      const key = `${method} ${path}`
      scripts.set(key, [...(scripts.get(key) ?? []), ...answers])
    },
    activate(sessionId, connectionId, clientData = '') {
      const connection = sessions.get(sessionId)?.connections.get(connectionId)
      if (!connection) throw new Error(`The fake OpenVidu has no connection ${connectionId} in ${sessionId}`)
      connection.json = {
        ...clone(activeConnectionFixture),
        ...connection.json,
        status: 'active',
        activeAt: Date.now(),
        location: activeConnectionFixture.location,
        ip: activeConnectionFixture.ip,
        platform: activeConnectionFixture.platform,
        clientData,
        publishers: [],
        subscribers: [],
      }
      return connection.json
    },
    dropSession(sessionId) {
      sessions.delete(sessionId)
    },
    onDelete(listener) {
      deleteListeners.push(listener)
    },
  }
}
