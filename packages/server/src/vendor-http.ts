/**
 * Small helpers for the server halves of provider packages, which talk to vendor REST APIs.
 */

/** A response body as JSON when it parses, as text when it does not, and `undefined` when empty. */
export async function readResponseBody(response: Response): Promise<unknown> {
  const text = await response.text()
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** The `Authorization` header value for HTTP Basic auth (RFC 7617, UTF-8). */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
}
