import * as z from 'zod/mini'

/** What Callport reads from the widget's event payloads, validated before use. */

export const callStatuses = ['dialing', 'connecting', 'connected', 'ended'] as const

export const AboutToExpireSchema = z.object({ expiresAt: z.iso.datetime({ offset: true }) })

/**
 * The payload of the client's `call:status:changed`: only `status` is read by parsing. Its `call`
 * is not parsed: widget 2.7.5's Call getters (`roomId`, `participants`) throw for a call joined by
 * link, and a parse would re-throw inside the widget's handler.
 */
export const CallStatusChangedSchema = z.object({ status: z.enum(callStatuses) })

/** The payload of a call's own `status:changed` event (widget 2.7.5 bundle: `{status}`). */
export const CallStatusSchema = z.object({ status: z.enum(callStatuses) })
