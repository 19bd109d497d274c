import { STATUS_CODES } from 'node:http'
import { CallportError, httpStatusOfCode, type Problem } from '@callport/core'

/** A problem as Callport sends it: RFC 9457 members plus `code`, and `issues` for invalid input. */
export type ProblemBody = Problem & { issues?: ProblemIssue[] }

/** One reason an input was refused, as zod reported it. */
export interface ProblemIssue {
  path: (string | number)[]
  message: string
  code?: string
}

const PROBLEM_TYPE = 'about:blank'
const INTERNAL_DETAIL = 'The server failed to handle the request'
const MAXIMUM_ISSUES = 20

/** Headers every answer of the HTTP API carries: tokens and room state must not be cached. */
export const noStore = { 'cache-control': 'no-store' } as const

/** The problem document for an error. Internal failures never reveal their message. */
export function problemOf(error: CallportError): ProblemBody {
  const status = httpStatusOfCode[error.code]
  const problem: ProblemBody = {
    type: PROBLEM_TYPE,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code: error.code,
    detail: error.code === 'INTERNAL' ? INTERNAL_DETAIL : error.message,
  }
  if (error.provider !== undefined) problem.provider = error.provider
  if (error.code !== 'INTERNAL') problem.retryable = error.retryable
  const issues = error.code === 'INVALID_INPUT' ? issuesOf(error.details) : undefined
  if (issues) problem.issues = issues
  return problem
}

const utf8 = new TextEncoder()

function serialized(body: unknown, status: number, contentType: string, headers: Record<string, string>): Response {
  const bytes = utf8.encode(JSON.stringify(body))
  return new Response(bytes, {
    status,
    headers: { 'content-type': contentType, 'content-length': String(bytes.byteLength), ...noStore, ...headers },
  })
}

/** An `application/problem+json` response for an error. */
export function problemResponse(error: CallportError, headers: Record<string, string> = {}): Response {
  const problem = problemOf(error)
  return serialized(problem, problem.status, 'application/problem+json', headers)
}

/** A JSON response of the HTTP API. */
export function jsonResponse(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return serialized(body, status, 'application/json', headers)
}

/** The INVALID_INPUT error for a failed zod parse; its issues reach the problem document. */
export function invalidInput(message: string, issues: readonly { path: PropertyKey[]; message: string; code?: string }[]): CallportError {
  return new CallportError('INVALID_INPUT', message, {
    details: issues.map((issue) => ({
      path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
      message: issue.message,
      ...(issue.code === undefined ? {} : { code: issue.code }),
    })),
  })
}

function issuesOf(details: unknown): ProblemIssue[] | undefined {
  if (!Array.isArray(details)) return undefined
  const issues: ProblemIssue[] = []
  for (const item of details.slice(0, MAXIMUM_ISSUES)) {
    if (typeof item !== 'object' || item === null) continue
    const { path, message, code } = item as Record<string, unknown>
    if (!Array.isArray(path) || typeof message !== 'string') continue
    issues.push({
      path: path.filter((key): key is string | number => typeof key === 'string' || typeof key === 'number'),
      message,
      ...(typeof code === 'string' ? { code } : {}),
    })
  }
  return issues.length > 0 ? issues : undefined
}
