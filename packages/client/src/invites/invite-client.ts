import { CallportError, InviteSchema, type Invite } from '@callport/core'
import { postJson, type RequestSettings } from '../token-request'

/**
 * POSTs to the app's invites endpoint: `''` with `{to, room}` to invite, `/<id>/<action>` to settle,
 * and validates the answer as an Invite.
 */
export type InviteClient = (path: string, payload: unknown, signal: AbortSignal | undefined) => Promise<Invite>

/** The invites endpoint beside a join endpoint: `/calls/join` → `/calls/invites`. */
export const invitesUrlBeside = (joinUrl: string): string => joinUrl.replace(/\/[^/]*$/, '/invites')

/** An InviteClient for the invites endpoint `url`, sending the token option's headers and credentials; without a URL, every call is UNSUPPORTED. */
export function createInviteClient(url: string | undefined, settings?: RequestSettings): InviteClient {
  return async (path, payload, signal) => {
    if (!url) throw new CallportError('UNSUPPORTED', 'No invites URL: createSession({ invites })')
    const result = InviteSchema.safeParse(await postJson(url + path, payload, signal, settings))
    if (result.success) return result.data
    throw new CallportError('INVALID_INPUT', 'Not an invite', { details: result.error.issues })
  }
}
