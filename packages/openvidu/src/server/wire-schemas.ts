import * as z from 'zod/mini'
import { unexpectedBody } from './openvidu-errors'
import type { OpenViduResponse } from './rest-client'

/** OpenVidu REST bodies, as far as Callport reads them (reference/vendors.md §1.3–1.6). Unknown fields pass. */

/** Session JSON (`core/Session.java toJson`). */
export const SessionSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  /** Milliseconds since the epoch. */
  createdAt: z.optional(z.number()),
  customSessionId: z.optional(z.string()),
})
export type OpenViduSession = z.infer<typeof SessionSchema>

/** Connection JSON, pending (`Token.toJsonAsParticipant`) or active (`Participant.toJson`). */
export const ConnectionSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  status: z.optional(z.string()),
  sessionId: z.optional(z.string()),
  role: z.optional(z.nullable(z.string())),
  serverData: z.optional(z.nullable(z.string())),
  clientData: z.optional(z.nullable(z.string())),
  token: z.optional(z.nullable(z.string())),
})
export type OpenViduConnection = z.infer<typeof ConnectionSchema>
/** A newly created connection, which always has its token. */
export type IssuedConnection = OpenViduConnection & { token: string }

/** `{numberOfElements, content}` of `GET /sessions/{id}/connection`. */
export const ConnectionListSchema = z.looseObject({
  numberOfElements: z.optional(z.number()),
  content: z.array(ConnectionSchema),
})

/** The validated body of a 2xx answer; PROVIDER_REJECTED when it is not what OpenVidu documents. */
export function bodyOf<T>(schema: z.ZodMiniType<T>, response: OpenViduResponse, operation: string): T {
  const parsed = schema.safeParse(response.body)
  if (!parsed.success) throw unexpectedBody(response.status, response.body, operation, parsed.error.issues)
  return parsed.data
}
