import { parseInput as parseCallportInput } from '@callport/core'
import type * as z from 'zod/mini'
import { VIDYO_PROVIDER } from './provider-id'

/** Validates `value` with `schema`; a failure is an INVALID_INPUT CallportError naming `what` and each field. */
export function parseInput<Schema extends z.ZodMiniType>(schema: Schema, value: unknown, what: string): z.infer<Schema> {
  return parseCallportInput(schema, value, { subject: what, provider: VIDYO_PROVIDER })
}
