/**
 * A sanity check of the signaling secret: it refuses secrets that are obviously not random (a word
 * repeated, a keyboard run of one key), not weak secrets in general — a random-looking secret typed by
 * hand still passes. Every secret made by a random generator passes: the thresholds are far below what
 * even the least varied common formats show (see docs/providers/signaling.md, "The secret").
 */

/** Fewest distinct bytes accepted. 32 random decimal digits have 5 or fewer once in ~10⁷ draws. */
export const MINIMUM_DISTINCT_SECRET_BYTES = 6
/** Longest run of one byte accepted. 64 random hex digits have a run of 12 once in ~10¹¹ draws. */
export const MAXIMUM_SECRET_BYTE_RUN = 11
/**
 * Fewest bits of estimated entropy accepted: the secret's length in bytes times the Shannon entropy
 * of its byte frequencies. 32 random hex digits (`openssl rand -hex 16`) estimate ≥ 90 bits.
 */
export const MINIMUM_SECRET_ENTROPY_BITS = 64

/** Distinct bytes, longest run of one byte, and estimated entropy in bits of a secret. */
export function secretStatistics(secret: string): { distinct: number; longestRun: number; entropyBits: number } {
  const bytes = new TextEncoder().encode(secret)
  const counts = new Map<number, number>()
  let run = 0
  let longestRun = 0
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!
    counts.set(byte, (counts.get(byte) ?? 0) + 1)
    run = index > 0 && bytes[index - 1] === byte ? run + 1 : 1
    longestRun = Math.max(longestRun, run)
  }
  let bitsPerByte = 0
  for (const count of counts.values()) {
    const share = count / bytes.length
    bitsPerByte -= share * Math.log2(share)
  }
  return { distinct: counts.size, longestRun, entropyBits: bitsPerByte * bytes.length }
}

/** Why the secret is refused as obviously low-entropy, or undefined when it passes. */
export function lowEntropySecretProblem(secret: string): string | undefined {
  const { distinct, longestRun, entropyBits } = secretStatistics(secret)
  if (distinct < MINIMUM_DISTINCT_SECRET_BYTES) {
    return `the secret has only ${distinct} distinct byte${distinct === 1 ? '' : 's'} (at least ${MINIMUM_DISTINCT_SECRET_BYTES} are required)`
  }
  if (longestRun > MAXIMUM_SECRET_BYTE_RUN) {
    return `the secret repeats one character ${longestRun} times in a row (at most ${MAXIMUM_SECRET_BYTE_RUN} are allowed)`
  }
  if (entropyBits < MINIMUM_SECRET_ENTROPY_BITS) {
    return `the secret's estimated entropy is ${Math.floor(entropyBits)} bits (length × Shannon entropy of its bytes; at least ${MINIMUM_SECRET_ENTROPY_BITS} are required)`
  }
  return undefined
}
