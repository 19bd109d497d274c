/**
 * What the HTTP API answers, before it becomes a Fetch Response or is written to a node:http response.
 * The body is already serialized.
 */
export interface Answer {
  status: number
  headers: Record<string, string>
  body: string | null
}

/** Headers every answer of the HTTP API carries: tokens and room state must not be cached. */
export const noStore = { 'cache-control': 'no-store' } as const

/** A JSON answer. */
export function jsonAnswer(body: unknown, status: number, headers: Record<string, string> = {}): Answer {
  return { status, headers: { 'content-type': 'application/json', ...noStore, ...headers }, body: JSON.stringify(body) }
}

/** An answer without a body, such as 204. */
export function emptyAnswer(status: number): Answer {
  return { status, headers: { ...noStore }, body: null }
}

export function toResponse(answer: Answer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers })
}
