import type * as z from 'zod/mini'
import { invalidInput } from './problem'

/** Parses `value` with `schema`, or throws INVALID_INPUT naming `what` and carrying zod's issues. */
export function validateInput<Schema extends z.ZodMiniType>(schema: Schema, value: unknown, what: string): z.infer<Schema> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const first = result.error.issues[0]
  const reason = first ? `: ${first.message}` : ''
  throw invalidInput(`Invalid ${what}${reason}`, result.error.issues)
}
