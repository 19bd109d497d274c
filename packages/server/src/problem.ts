import { STATUS_CODES } from 'node:http'
import { CallportError, httpStatusOfCode, type Problem } from '@callport/core'
import { noStore, toResponse, type Answer } from './answer'

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

/** An `application/problem+json` answer for an error. */
export function problemAnswer(error: CallportError, headers: Record<string, string> = {}): Answer {
  const problem = problemOf(error)
  return {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', ...noStore, ...headers },
    body: JSON.stringify(problem),
  }
}

/** An `application/problem+json` Response for an error. */
export function problemResponse(error: CallportError, headers: Record<string, string> = {}): Response {
  return toResponse(problemAnswer(error, headers))
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
