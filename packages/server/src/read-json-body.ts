import { CallportError } from '@callport/core'
import type * as z from 'zod/mini'
import { validateInput } from './validate-input'

/** Largest request body the HTTP API reads: 16 KiB. */
export const MAXIMUM_BODY_BYTES = 16 * 1024

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

function tooLarge(limit: number): CallportError {
  return new CallportError('PAYLOAD_TOO_LARGE', `The request body must be at most ${limit} bytes`)
}

/**
 * Reads the whole body, refusing it with PAYLOAD_TOO_LARGE as soon as it is known to exceed `limit`:
 * from `Content-Length`, and from the bytes actually received (a chunked or lying body is cut off).
 */
export async function readBodyBytes(request: Request, limit = MAXIMUM_BODY_BYTES): Promise<Uint8Array> {
  const declared = request.headers.get('content-length')
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge(limit)
  if (request.body === null) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      length += value.byteLength
      if (length > limit) {
        void reader.cancel().catch(() => {})
        throw tooLarge(limit)
      }
      chunks.push(value)
    }
  } catch (error) {
    if (CallportError.isInstance(error)) throw error
    if (request.signal.aborted) throw new CallportError('ABORTED', 'The request was aborted', { cause: error })
    throw new CallportError('INVALID_INPUT', 'The request body could not be read', { cause: error })
  }
  if (chunks.length === 1) return chunks[0]!
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

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
 * not UTF-8 JSON or a value the schema refuses.
 */
export async function readJsonBody<Schema extends z.ZodMiniType>(
  request: Request,
  schema: Schema,
  limit = MAXIMUM_BODY_BYTES,
): Promise<z.infer<Schema>> {
  if (!isJsonMediaType(request.headers.get('content-type'))) {
    throw new CallportError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json')
  }
  const bytes = await readBodyBytes(request, limit)
  let value: unknown
  try {
    value = JSON.parse(strictUtf8.decode(bytes))
  } catch (cause) {
    throw new CallportError('INVALID_INPUT', 'The request body is not valid UTF-8 JSON', { cause })
  }
  return validateInput(schema, value, 'request body')
}
