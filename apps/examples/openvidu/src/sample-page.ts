/**
 * The token code of a page written for OpenVidu's application-server samples, as those pages have it
 * (create the session, then a connection; each answer is the id or the token). It is not changed for
 * Callport: only `applicationServerUrl` points at the Callport server's `/calls/`.
 */
export async function getToken(applicationServerUrl: string, mySessionId: string, init: RequestInit = {}): Promise<string> {
  const sessionId = await createSession(applicationServerUrl, mySessionId, init)
  return createToken(applicationServerUrl, sessionId, init)
}

async function post(url: string, body: unknown, init: RequestInit): Promise<string> {
  const response = await fetch(url, { ...init, method: 'POST', headers: { ...init.headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`${url} answered ${response.status}`)
  // As axios and jQuery read an answer: JSON when it says so, else the text.
  return (response.headers.get('content-type') ?? '').includes('json') ? ((await response.json()) as string) : response.text()
}

/** `POST api/sessions {customSessionId}` → the session id. */
export function createSession(applicationServerUrl: string, sessionId: string, init: RequestInit = {}): Promise<string> {
  return post(`${applicationServerUrl}api/sessions`, { customSessionId: sessionId }, init)
}

/** `POST api/sessions/<id>/connections {}` → the token for `session.connect(token, {clientData})`. */
export function createToken(applicationServerUrl: string, sessionId: string, init: RequestInit = {}): Promise<string> {
  return post(`${applicationServerUrl}api/sessions/${sessionId}/connections`, {}, init)
}
