import { CallportError } from '@callport/core'

/**
 * Where the call server writes what went wrong: a pino-compatible interface (a pino logger fits as is),
 * each method taking a plain object of fields and a message. The call server writes one line per failed
 * join, vendor fault, refused webhook and rate-limit hit, and one per unexpected error; it never puts a
 * token, a secret, a cookie or an Authorization header in a line.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
  error(fields: Record<string, unknown>, message: string): void
}

/** Longest message or vendor body excerpt the call server puts in a log line, in characters. */
export const MAXIMUM_LOGGED_TEXT = 4096

const SECRET_KEY = /token|secret|password|passwd|authori[sz]ation|cookie|api[-_]?key|apikey|credential|signature|private/i

/** Text bounded to MAXIMUM_LOGGED_TEXT characters. */
export function bounded(text: string, maximum = MAXIMUM_LOGGED_TEXT): string {
  return text.length <= maximum ? text : `${text.slice(0, maximum)}… (${text.length - maximum} more characters)`
}

/**
 * A copy of a vendor body fit for a log line: fields whose names suggest a secret are redacted, and
 * the whole is bounded (as JSON text when it is longer than MAXIMUM_LOGGED_TEXT).
 */
export function loggableBody(body: unknown): unknown {
  const redacted = redact(body, 0)
  if (typeof redacted === 'string') return bounded(redacted)
  let text: string
  try {
    text = JSON.stringify(redacted) ?? String(redacted)
  } catch {
    return '[unserializable]'
  }
  return text.length <= MAXIMUM_LOGGED_TEXT ? redacted : bounded(text)
}

function redact(value: unknown, depth: number): unknown {
  if (depth > 8) return '[deep]'
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redact(item, depth + 1))
  if (typeof value !== 'object' || value === null) return value
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value as Record<string, unknown>).slice(0, 100)) {
    copy[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(item, depth + 1)
  }
  return copy
}

/** The fields a log line carries about an error: never its `vendor.headers`, nor anything past the bounds. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (CallportError.isInstance(error)) {
    const fields: Record<string, unknown> = { code: error.code, retryable: error.retryable, message: bounded(error.message) }
    if (error.provider !== undefined) fields.provider = error.provider
    if (error.vendor !== undefined) {
      fields.vendorStatus = error.vendor.status
      fields.vendorBody = loggableBody(error.vendor.body)
    }
    return fields
  }
  if (error instanceof Error) return { code: 'INTERNAL', message: bounded(error.message), errorName: error.name }
  return { code: 'INTERNAL', message: bounded(String(error)) }
}

/** An Error as the default logger prints it: name, message, code and stack, bounded. */
function serializeError(error: Error): Record<string, unknown> {
  const serialized: Record<string, unknown> = { type: error.name, message: bounded(error.message) }
  if (CallportError.isInstance(error)) {
    serialized.code = error.code
    if (error.provider !== undefined) serialized.provider = error.provider
    if (error.vendor !== undefined) serialized.vendorStatus = error.vendor.status
  }
  if (error.stack) serialized.stack = bounded(error.stack)
  if (error.cause instanceof Error) serialized.cause = { type: error.cause.name, message: bounded(error.cause.message) }
  return serialized
}

/** One JSON line: `{"level":…,"time":…,"msg":…,…fields}`; Error values are serialized, never thrown on. */
export function formatLogLine(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string): string {
  const line = { level, time: new Date().toISOString(), msg: message, ...fields }
  try {
    return JSON.stringify(line, (_key, value: unknown) => (value instanceof Error ? serializeError(value) : value))
  } catch {
    return JSON.stringify({ level, time: line.time, msg: message, note: 'fields could not be serialized' })
  }
}

/** The default logger: one JSON line per entry, on `console.log` (info), `console.warn` and `console.error`. */
export const consoleLogger: Logger = {
  info: (fields, message) => console.log(formatLogLine('info', fields, message)),
  warn: (fields, message) => console.warn(formatLogLine('warn', fields, message)),
  error: (fields, message) => console.error(formatLogLine('error', fields, message)),
}

/** A logger whose own failures are swallowed: a broken logger must not break a request. */
export function safeLogger(logger: Logger): Logger {
  const guard =
    (level: keyof Logger) =>
    (fields: Record<string, unknown>, message: string): void => {
      try {
        logger[level](fields, message)
      } catch {
        // Nothing sensible to do: the log line is lost.
      }
    }
  return { info: guard('info'), warn: guard('warn'), error: guard('error') }
}
