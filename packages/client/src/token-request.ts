import { CallportError, errorCodes, httpStatusOfCode, ProblemSchema, type ErrorCode } from '@callport/core'
import { abortedError } from './abort'

/**
 * POSTs `{ room }` as JSON to the app's join endpoint and returns the parsed JSON answer (not yet
 * validated). HTTP errors become CallportErrors that keep the status and body; a problem+json answer
 * gives its own `code`. Network failures are CONNECTION_FAILED and retryable.
 */
export async function requestJoin(url: string, room: string, signal: AbortSignal): Promise<unknown> {
  let response: Response
  let text: string
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ room }), signal })
    text = await response.text()
  } catch (error) {
    if (signal.aborted) throw abortedError(signal)
    throw new CallportError('CONNECTION_FAILED', `Could not reach the token endpoint ${url}`, { cause: error, retryable: true })
  }
  const body = parseJson(text)
  if (response.ok) return body
  throw errorFromAnswer(response.status, response.headers.get('content-type') ?? '', body)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function errorFromAnswer(status: number, contentType: string, body: unknown): CallportError {
  const vendor = { status, body }
  const problem = contentType.includes('application/problem+json') ? ProblemSchema.safeParse(body) : undefined
  if (problem?.success && isErrorCode(problem.data.code)) {
    const { code, detail, title, retryable, provider } = problem.data
    return new CallportError(code, detail ?? title, { vendor, retryable, provider })
  }
  const code = errorCodes.find((candidate) => httpStatusOfCode[candidate] === status) ?? (status >= 500 ? 'PROVIDER_UNAVAILABLE' : 'INVALID_INPUT')
  return new CallportError(code, `The token endpoint answered HTTP ${status}`, { vendor, retryable: status >= 500 || status === 429 })
}

function isErrorCode(code: string): code is ErrorCode {
  return (errorCodes as readonly string[]).includes(code)
}
