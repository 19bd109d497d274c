import { CallportError, httpStatusOfCode, type Problem } from '@callport/core'
import { noStore, toResponse, type Answer } from './answer'
import { isVendorFailure } from './call-adapter'

/** A problem as Callport sends it: RFC 9457 members plus `code`, and `issues` for invalid input. */
export type ProblemBody = Problem & { issues?: ProblemIssue[] }

/** One reason an input was refused, as zod reported it. */
export interface ProblemIssue {
  path: (string | number)[]
  message: string
  code?: string
}

const PROBLEM_TYPE = 'about:blank'

/**
 * The title of every status a problem can carry (those of `httpStatusOfCode`), as node:http's
 * STATUS_CODES spells them; 499 (ABORTED, no standard reason phrase) is titled 'Error'. Our own
 * table, so that the main entry needs no Node module.
 */
const STATUS_TITLES: Record<(typeof httpStatusOfCode)[keyof typeof httpStatusOfCode], string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  499: 'Error',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}
const INTERNAL_DETAIL = 'The server failed to handle the request'
const MAXIMUM_ISSUES = 20
/** Longest `detail` (in characters) a problem carries; longer messages are cut. */
export const MAXIMUM_PROBLEM_DETAIL = 300

/** The fixed sentences browsers get for vendor failures, by code; the vendor's own text stays on the server. */
const VENDOR_DETAIL: Partial<Record<CallportError['code'], string>> = {
  PROVIDER_UNAVAILABLE: 'The video provider is unavailable; try again later',
  PROVIDER_REJECTED: 'The video provider refused the request',
  RATE_LIMITED: 'The video provider is limiting requests; try again later',
  ROOM_FULL: 'The room is full',
  ROOM_NOT_FOUND: 'The video provider does not know this room',
  PARTICIPANT_NOT_FOUND: 'The video provider does not know this participant',
  ABORTED: 'The request was aborted',
  CONNECTION_FAILED: 'The video provider could not be reached',
}
const VENDOR_DEFAULT_DETAIL = 'The video provider could not handle the request'

/** Where a configuration error's message may be shown (it names the app's own setup, not a secret). */
const configurationErrors = new WeakSet<object>()

/** An INTERNAL error whose message tells the developer what to change in the app's setup; the problem shows it. */
export function configurationError(message: string): CallportError {
  const error = new CallportError('INTERNAL', message)
  configurationErrors.add(error)
  return error
}

function detailOf(error: CallportError): string {
  if (error.code === 'INTERNAL') return configurationErrors.has(error) ? error.message : INTERNAL_DETAIL
  if (isVendorFailure(error)) return VENDOR_DETAIL[error.code] ?? VENDOR_DEFAULT_DETAIL
  return error.message.length <= MAXIMUM_PROBLEM_DETAIL ? error.message : `${error.message.slice(0, MAXIMUM_PROBLEM_DETAIL)}…`
}

/**
 * The problem document for an error. Internal failures never reveal their message; vendor failures
 * (errors an adapter threw, or carrying a vendor response) get a fixed sentence per code with the
 * provider and `retryable`, never the vendor's text; other details are at most MAXIMUM_PROBLEM_DETAIL characters.
 */
export function problemOf(error: CallportError): ProblemBody {
  const status = httpStatusOfCode[error.code]
  const problem: ProblemBody = {
    type: PROBLEM_TYPE,
    title: STATUS_TITLES[status],
    status,
    code: error.code,
    detail: detailOf(error),
  }
  if (error.provider !== undefined) problem.provider = error.provider
  if (error.code !== 'INTERNAL') problem.retryable = error.retryable
  const issues = error.code === 'INVALID_INPUT' && !isVendorFailure(error) ? issuesOf(error.details) : undefined
  if (issues) problem.issues = issues
  return problem
}

/** An `application/problem+json` answer for an error. */
export function problemAnswer(error: CallportError, headers: Record<string, string> = {}): Answer {
  const problem = problemOf(error)
  const retryAfter = retryAfterOf(error)
  return {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', ...noStore, ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }), ...headers },
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

/** Seconds to wait, for a RATE_LIMITED error that says (`details.retryAfterSeconds`). */
function retryAfterOf(error: CallportError): string | undefined {
  if (error.code !== 'RATE_LIMITED' || typeof error.details !== 'object' || error.details === null) return undefined
  const seconds = (error.details as { retryAfterSeconds?: unknown }).retryAfterSeconds
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? String(Math.ceil(seconds)) : undefined
}
