export { createSession } from './create-session'
export type { Session } from './session'
export type { JoinOptions, ReconnectOptions, SessionOptions } from './options'
export type { TokenFetcher, TokenRequest, TokenSourceOption } from './token-source'
