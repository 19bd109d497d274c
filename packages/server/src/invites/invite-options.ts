import { CallportError, type Invite } from '@callport/core'
import { createMemoryInviteStore, inviteStoreMethods, type InviteStore } from './invite-store'

/** What the notifier is asked to tell the callee. */
export interface InviteNotification {
  /** `ring`: ring the callee (again); `missed`: nobody answered in time; `cancelled`: the caller hung up. */
  kind: 'ring' | 'missed' | 'cancelled'
  invite: Invite
  /** The ring attempt: 1 for the first ring; for `missed` and `cancelled`, the rings sent so far. */
  attempt: number
}

/**
 * Tells the callee, through the app's own channel (push, SMS, WebSocket…). A thrown error stops the
 * invite (status `failed`) when it is not retryable: a CallportError whose `retryable` is false, or any
 * error with `retryable: false`. Other errors let the next attempt go ahead.
 */
export type InviteNotifier = (notification: InviteNotification) => Promise<void>

/** `createCallServer({ invites })`: the ring-and-retry flow. */
export interface InvitesOptions {
  notify: InviteNotifier
  /** Ring attempts. Default 3. */
  attempts?: number
  /**
   * Seconds an invite rings. The attempts are spread evenly over this window (attempt k at
   * k × window / attempts: 0, 10 and 20 s by default) and an unanswered invite is missed at its end
   * (30 s by default). Default 30.
   */
  withinSeconds?: number
  /**
   * Where invites are kept. Default: in this process's memory. Give every app-server process the same
   * shared store (`createRedisInviteStore` from `@callport/server/redis`) so that a callee can accept,
   * decline or answer an invite through any of them.
   */
  store?: InviteStore
}

/** The invite policy after validation. */
export interface InvitePolicy {
  notify: InviteNotifier
  attempts: number
  withinMilliseconds: number
  store: InviteStore
}

const DEFAULT_ATTEMPTS = 3
const DEFAULT_WITHIN_SECONDS = 30

function invalid(message: string): CallportError {
  return new CallportError('INVALID_INPUT', `createCallServer: invites.${message}`)
}

/** Validates `invites`, throwing INVALID_INPUT naming the option. */
export function resolveInvitesOptions(options: InvitesOptions): InvitePolicy {
  if (typeof options !== 'object' || options === null) throw invalid('must be an object with a notify function')
  if (typeof options.notify !== 'function') throw invalid('notify is required: a function that rings the callee')
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS
  const withinSeconds = options.withinSeconds ?? DEFAULT_WITHIN_SECONDS
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) throw invalid(`attempts must be a whole number from 1 to 100; got ${attempts}`)
  if (typeof withinSeconds !== 'number' || !(withinSeconds > 0) || withinSeconds > 86_400) {
    throw invalid(`withinSeconds must be more than 0 and at most 86400; got ${withinSeconds}`)
  }
  return { notify: options.notify, attempts, withinMilliseconds: withinSeconds * 1000, store: resolveStore(options.store) }
}

function resolveStore(store: InviteStore | undefined): InviteStore {
  if (store === undefined) return createMemoryInviteStore()
  const expected = `an invite store: an object with the methods ${inviteStoreMethods.join(', ')}`
  if (typeof store !== 'object' || store === null) throw invalid(`store must be ${expected}; got ${store === null ? 'null' : typeof store}`)
  const missing = inviteStoreMethods.filter((method) => typeof store[method] !== 'function')
  if (missing.length > 0) throw invalid(`store must be ${expected}; missing: ${missing.join(', ')}`)
  return store
}
