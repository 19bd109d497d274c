import * as z from 'zod/mini'

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
/** A newly created (pending) connection, which always has its token. */
export const IssuedConnectionSchema = z.extend(ConnectionSchema, { token: z.string().check(z.minLength(1)) })
export type IssuedConnection = z.infer<typeof IssuedConnectionSchema>

/** `{numberOfElements, content}` of `GET /sessions/{id}/connection`. */
export const ConnectionListSchema = z.looseObject({
  numberOfElements: z.optional(z.number()),
  content: z.array(ConnectionSchema),
})
