// @ts-check
import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100

/**
 * @typedef {{ pid: number, parent: number, name: string, ticks: number }} ProcessTimes
 */

/** @param {string} pid @returns {ProcessTimes | undefined} */
function readProcess(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // pid (comm) state ppid … utime (14th field) stime (15th): comm may hold spaces and parentheses.
    const close = stat.lastIndexOf(')')
    const name = stat.slice(stat.indexOf('(') + 1, close)
    const fields = stat.slice(close + 2).split(' ')
    return { pid: Number(pid), parent: Number(fields[1]), name, ticks: Number(fields[11]) + Number(fields[12]) }
  } catch {
    return undefined // gone meanwhile
  }
}

/**
 * CPU time (user + system, in seconds) of every process descending from `root` (this process by default:
 * the Chromium and Janus it started, not other users' processes on the machine), grouped by `groupOf`
 * of the process name. Linux /proc only; elsewhere empty.
 * @param {(name: string) => string} groupOf
 * @param {number} [root]
 * @returns {Map<number, { group: string, seconds: number }>}
 */
export function descendantCpuTimes(groupOf, root = process.pid) {
  /** @type {ProcessTimes[]} */
  let all
  try {
    all = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(readProcess)
      .filter((found) => found !== undefined)
  } catch {
    return new Map()
  }
  const children = new Map()
  for (const found of all) children.set(found.parent, [...(children.get(found.parent) ?? []), found])
  /** @type {Map<number, { group: string, seconds: number }>} */
  const times = new Map()
  const queue = [...(children.get(root) ?? [])]
  while (queue.length > 0) {
    const found = /** @type {ProcessTimes} */ (queue.shift())
    times.set(found.pid, { group: groupOf(found.name), seconds: found.ticks / ticksPerSecond })
    queue.push(...(children.get(found.pid) ?? []))
  }
  return times
}

/**
 * Cores used per group between two `descendantCpuTimes` samples `seconds` apart (processes present in both).
 * @param {Map<number, { group: string, seconds: number }>} before
 * @param {Map<number, { group: string, seconds: number }>} after
 * @param {number} seconds
 * @returns {Record<string, number>}
 */
export function coresUsed(before, after, seconds) {
  /** @type {Record<string, number>} */
  const used = {}
  for (const [pid, { group, seconds: cpu }] of after) {
    const earlier = before.get(pid)
    if (earlier === undefined) continue
    used[group] = (used[group] ?? 0) + (cpu - earlier.seconds) / seconds
  }
  return used
}
