import * as z from 'zod/mini'
import { RoleSchema } from '@callport/core'

/**
 * What an OpenVidu token carries in `token.connect`, besides the token string itself (`token.value`,
 * `wss://<host>?sessionId=<id>&token=tok_…`, which openvidu-browser connects with): the session and
 * connection ids, and the participant's role and name. Written by the server half, read by the client half.
 */
export const OpenViduConnectParametersSchema = z.object({
  sessionId: z.string().check(z.minLength(1)),
  connectionId: z.string().check(z.minLength(1)),
  role: RoleSchema,
  name: z.optional(z.string()),
})
export type OpenViduConnectParameters = z.infer<typeof OpenViduConnectParametersSchema>
