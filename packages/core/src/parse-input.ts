import type * as z from 'zod/mini'
import { CallportError } from './errors'
import { TokenSchema, type Token } from './schemas'

export interface ParseInputContext {
  /** What is being parsed, first in the message (e.g. "Invalid Twilio settings"). */
  subject: string
  provider?: string
}

/**
 * Validates `value` with `schema`; a failure becomes an `INVALID_INPUT` CallportError whose message
 * names the subject and each offending field, with the zod issues kept in `details`.
 */
export function parseInput<Schema extends z.ZodMiniType>(schema: Schema, value: unknown, context: ParseInputContext): z.infer<Schema> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
  throw new CallportError('INVALID_INPUT', `${context.subject}: ${problems.join('; ')}`, {
    provider: context.provider,
    details: result.error.issues,
  })
}

/**
 * A client adapter's first step in `connect`: checks that `token` is a Token for `provider` and parses
 * its `connect` parameters with `connectSchema`. Throws INVALID_INPUT otherwise.
 */
export function readProviderToken<Schema extends z.ZodMiniType>(
  token: Token,
  provider: { id: string; name: string; connectSchema: Schema },
): { token: Token; parameters: z.infer<Schema> } {
  const parsed = TokenSchema.safeParse(token)
  if (!parsed.success || parsed.data.provider !== provider.id) {
    throw new CallportError('INVALID_INPUT', `Not a ${provider.name} token`, { provider: provider.id, details: parsed.error?.issues })
  }
  const parameters = parseInput(provider.connectSchema, parsed.data.connect, {
    subject: `The ${provider.name} token lacks its connection parameters`,
    provider: provider.id,
  })
  return { token: parsed.data, parameters }
}
