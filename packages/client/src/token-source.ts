import { CallportError, JoinResponseSchema, TokenSchema, toCallportError, type JoinResponse, type Token } from '@callport/core'
import { refuseUnknownOptions } from './options'
import { requestJoin, type RequestSettings } from './token-request'

/** What an app's own token function receives. */
export interface TokenRequest {
  /** The room to join (already validated). */
  room: string
  /** Fires when the join is cancelled or the session left. */
  signal: AbortSignal
}

/** An app's own way to get a token: call your backend, add your auth headers, read a cache… */
export type TokenFetcher = (request: TokenRequest) => Promise<Token | JoinResponse>

/** A Callport join endpoint with what to send along: headers (possibly from a function, possibly async) and a credentials mode. */
export interface TokenUrl extends RequestSettings {
  url: string
}

/** Where a session gets its tokens: the URL of a Callport join endpoint (alone or with headers and credentials), or a function. */
export type TokenSourceOption = string | TokenUrl | TokenFetcher

/** The `token` option as a URL with its request settings (undefined for a function). */
export function tokenUrlOf(option: TokenSourceOption): TokenUrl | undefined {
  if (typeof option === 'string') return { url: option }
  if (typeof option !== 'object' || option === null) return undefined
  refuseUnknownOptions(option, ['url', 'headers', 'credentials'], 'token')
  if (typeof option.url !== 'string' || option.url === '') throw new CallportError('INVALID_INPUT', 'token: `url` must be the join endpoint URL')
  return option
}

/** Fetches and validates a token for a room. */
export type TokenSource = (room: string, signal: AbortSignal) => Promise<JoinResponse>

/**
 * Turns the `token` option into a TokenSource. Answers are validated with the core schemas; a bare
 * Token is accepted and completed into a JoinResponse. A function's own failures become
 * CONNECTION_FAILED (retryable) unless they already are CallportErrors.
 */
export function createTokenSource(option: TokenSourceOption): TokenSource {
  const endpoint = tokenUrlOf(option)
  return async (room, signal) => {
    let answer: unknown
    try {
      answer = endpoint ? await requestJoin(endpoint.url, room, signal, endpoint) : await (option as TokenFetcher)({ room, signal })
    } catch (error) {
      throw toCallportError(error, { code: 'CONNECTION_FAILED' })
    }
    return parseJoinAnswer(answer, room)
  }
}

/** Validates a token source's answer (a JoinResponse or a bare Token) for `room`. */
export function parseJoinAnswer(answer: unknown, room: string): JoinResponse {
  const isJoinResponse = typeof answer === 'object' && answer !== null && 'token' in answer
  const result = isJoinResponse ? JoinResponseSchema.safeParse(answer) : TokenSchema.safeParse(answer)
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'answer'}: ${issue.message === 'Invalid input' ? issue.code : issue.message}`)
    throw new CallportError('INVALID_INPUT', `Invalid ${isJoinResponse ? 'join response' : 'token'} from the token source: ${problems.join('; ')}`, {
      details: result.error.issues,
    })
  }
  const joined = 'token' in result.data ? result.data : { room: roomOf(result.data), token: result.data }
  if (joined.token.room !== room) {
    throw new CallportError('INVALID_INPUT', `The token source answered a token for room "${joined.token.room}", not "${room}"`)
  }
  return joined
}

function roomOf(token: Token): JoinResponse['room'] {
  return { name: token.room, provider: token.provider, providerRoomId: token.providerRoomId }
}
