import { CallportError } from '@callport/core'
import type * as z from 'zod/mini'
import { VIDYO_PROVIDER } from './provider'

/**
 * Validates `value` with `schema`; a failure becomes an `INVALID_INPUT` CallportError whose message
 * names `what` and each offending field, with the zod issues kept in `details`.
 */
export function parseInput<Schema extends z.ZodMiniType>(schema: Schema, value: unknown, what: string): z.infer<Schema> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
  throw new CallportError('INVALID_INPUT', `${what}: ${problems.join('; ')}`, {
    provider: VIDYO_PROVIDER,
    details: result.error.issues,
  })
}
