// @ts-check

/**
 * Measures a baseline and a candidate in alternating order (baseline first in even rounds,
 * candidate first in odd ones), so that drift in the machine's speed hits both sides alike.
 * Returns one `{ baseline, candidate }` pair per round; `onRound` sees each as it completes.
 * @template T
 * @param {number} rounds
 * @param {{ baseline: () => Promise<T>, candidate: () => Promise<T> }} sides
 * @param {(pair: { baseline: T, candidate: T }, round: number) => void} [onRound]
 * @returns {Promise<Array<{ baseline: T, candidate: T }>>}
 */
export async function alternateRounds(rounds, sides, onRound = () => {}) {
  /** @type {Array<{ baseline: T, candidate: T }>} */
  const pairs = []
  for (let round = 0; round < rounds; round += 1) {
    /** @type {T} */
    let baseline
    /** @type {T} */
    let candidate
    if (round % 2 === 0) {
      baseline = await sides.baseline()
      candidate = await sides.candidate()
    } else {
      candidate = await sides.candidate()
      baseline = await sides.baseline()
    }
    const pair = { baseline, candidate }
    pairs.push(pair)
    onRound(pair, round)
  }
  return pairs
}

/**
 * Measures several sides in rotating order (round `r` starts with side `r mod n`, the others
 * following in their order), so that drift in the machine's speed hits every side alike. Returns
 * one record of figures per round; `onRound` sees each as it completes.
 * @template {string} Side
 * @param {number} rounds
 * @param {readonly Side[]} sides
 * @param {(side: Side) => Promise<number> | number} measure
 * @param {(measured: Record<Side, number>, round: number) => void} [onRound]
 * @returns {Promise<Array<Record<Side, number>>>}
 */
export async function rotateRounds(rounds, sides, measure, onRound = () => {}) {
  /** @type {Array<Record<Side, number>>} */
  const results = []
  for (let round = 0; round < rounds; round += 1) {
    const first = round % sides.length
    const measured = /** @type {Record<Side, number>} */ ({})
    for (const side of [...sides.slice(first), ...sides.slice(0, first)]) measured[side] = await measure(side)
    results.push(measured)
    onRound(measured, round)
  }
  return results
}
