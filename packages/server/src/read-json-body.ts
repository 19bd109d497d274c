import { CallportError } from '@callport/core'
import type * as z from 'zod/mini'
import { MAXIMUM_BODY_BYTES } from './body-limit'
import type { IncomingCall } from './incoming-call'
import { validateInput } from './validate-input'

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** True when the Content-Type's media type is `application/json`, whatever its parameters. */
export function isJsonMediaType(contentType: string | null): boolean {
  if (contentType === null) return false
  const semicolon = contentType.indexOf(';')
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase()
  return mediaType === 'application/json'
}

/**
 * Reads a JSON request body and validates it with `schema`: 415 UNSUPPORTED_MEDIA_TYPE unless it is
 * `application/json`, 413 PAYLOAD_TOO_LARGE over `limit` bytes, 400 INVALID_INPUT for bytes that are
 * not UTF-8 JSON or a value the schema refuses. Behind a body parser that already parsed the JSON into
 * `req.body` (Express's `json()`), that value is used instead of the (consumed) stream.
 */
export async function readJsonBody<Schema extends z.ZodMiniType>(call: IncomingCall, schema: Schema, limit = MAXIMUM_BODY_BYTES): Promise<z.infer<Schema>> {
  if (!isJsonMediaType(call.header('content-type'))) {
    throw new CallportError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json')
  }
  const parsed = call.parsedBody?.()
  if (parsed !== undefined) {
    // A body parser (Express's json()) got here first: its value is validated like ours, within the same limit.
    if ((JSON.stringify(parsed.value) ?? '').length > limit) throw new CallportError('PAYLOAD_TOO_LARGE', `The request body must be at most ${limit} bytes`)
    return validateInput(schema, parsed.value, 'request body')
  }
  const bytes = await call.readBody(limit)
  let value: unknown
  try {
    value = JSON.parse(strictUtf8.decode(bytes))
  } catch (cause) {
    throw new CallportError('INVALID_INPUT', 'The request body is not valid UTF-8 JSON', { cause })
  }
  return validateInput(schema, value, 'request body')
}
