import * as z from 'zod/mini'

/** What Callport reads from the widget's event payloads, validated before use. */

export const callStatuses = ['dialing', 'connecting', 'connected', 'ended'] as const

export const AboutToExpireSchema = z.object({ expiresAt: z.iso.datetime({ offset: true }) })

export const CallSchema = z.object({
  roomId: z.string().check(z.minLength(1)),
  participants: z.array(z.string()),
  status: z.enum(callStatuses),
  endReason: z.optional(z.nullable(z.string())),
})

export const CallStatusChangedSchema = z.object({ call: CallSchema, status: z.enum(callStatuses) })

/** The payload of a call's own `status:changed` event (widget 2.7.5 bundle: `{status}`). */
export const CallStatusSchema = z.object({ status: z.enum(callStatuses) })
