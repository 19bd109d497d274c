import { CallportError } from '@callport/core'

/** Largest request body the HTTP API reads: 16 KiB. */
export const MAXIMUM_BODY_BYTES = 16 * 1024

function tooLarge(limit: number): CallportError {
  return new CallportError('PAYLOAD_TOO_LARGE', `The request body must be at most ${limit} bytes`)
}

/** Throws PAYLOAD_TOO_LARGE when a `Content-Length` value declares more than `limit` bytes. */
export function checkDeclaredLength(contentLength: string | null | undefined, limit: number): void {
  if (contentLength && /^\s*\d+\s*$/.test(contentLength) && Number(contentLength) > limit) throw tooLarge(limit)
}

/**
 * Collects body chunks as they arrive and throws PAYLOAD_TOO_LARGE as soon as they add up to more
 * than `limit` bytes, so a chunked or lying body is cut off instead of buffered.
 */
export class BoundedBody {
  readonly #chunks: Uint8Array[] = []
  #length = 0

  constructor(readonly limit: number) {}

  add(chunk: Uint8Array): void {
    this.#length += chunk.byteLength
    if (this.#length > this.limit) throw tooLarge(this.limit)
    this.#chunks.push(chunk)
  }

  bytes(): Uint8Array {
    if (this.#chunks.length === 1) return this.#chunks[0]!
    const bytes = new Uint8Array(this.#length)
    let offset = 0
    for (const chunk of this.#chunks) {
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
    return bytes
  }
}
