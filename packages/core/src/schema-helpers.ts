import * as z from 'zod/mini'

/*
 * Internal helpers of the wire schemas (not exported from the package). They keep the browser half
 * small: each schema is built in a pure-annotated call, so bundles drop the schemas they do not use,
 * and the checks below reuse z.custom, which every bundle that validates a token already carries
 * (z.number, z.boolean, z.int, z.enum and z.regex would each add their own classes).
 */

/**
 * Builds a schema in a call that bundlers may drop when the schema is unused (each export below is
 * marked pure), so a browser bundle carries only the schemas it validates with.
 */
export const schema = <T>(build: () => T): T => build()

/** A string matching `pattern`. */
export const matching = (pattern: RegExp, message: string) => z.refine<string>((value) => pattern.test(value), message)

/** One of `values`. */
export const oneOf = <const T extends readonly unknown[]>(values: T) => z.custom<T[number]>((value) => values.includes(value), `Expected one of ${values.join(', ')}`)
/** A whole number, at least `minimum`. */
export const wholeNumber = (minimum = Number.MIN_SAFE_INTEGER) => z.custom<number>((value) => Number.isInteger(value) && value >= minimum, 'Expected a whole number')
/** true or false. */
export const trueOrFalse = () => z.custom<boolean>((value) => typeof value === 'boolean', 'Expected a boolean')
