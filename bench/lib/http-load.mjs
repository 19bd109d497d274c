// @ts-check
import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'

/**
 * One request to a server on 127.0.0.1, and the status it must answer with (200 by default).
 * @typedef {{
 *   port: number
 *   path: string
 *   method?: string
 *   headers?: Record<string, string>
 *   body?: string
 *   expectStatus?: number
 * }} RequestSpec
 * @typedef {RequestSpec & { concurrency: number, durationMs: number }} LoadOptions
 */

/**
 * Sends one request on a keep-alive agent and resolves with the response body.
 * Rejects on a network error or an unexpected status.
 * @param {Agent} agent
 * @param {RequestSpec} options
 * @returns {Promise<string>}
 */
export function send(agent, { port, path, method = 'GET', headers = {}, body, expectStatus = 200 }) {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, method, headers, agent }, (response) => {
      /** @type {Buffer[]} */
      const chunks = []
      response.on('data', (chunk) => chunks.push(chunk))
      response.on('error', reject)
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        if (response.statusCode === expectStatus) resolve(text)
        else reject(new Error(`${method} ${path} answered ${response.statusCode}, expected ${expectStatus}: ${text.slice(0, 300)}`))
      })
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

/**
 * Closed-loop load: `concurrency` keep-alive connections each send the same request back to back
 * until `durationMs` has passed. Returns completed requests per second. Fails on the first
 * unexpected answer, so a run never counts errors as throughput.
 * @param {LoadOptions} options
 */
export async function measureRequestsPerSecond(options) {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency })
  let completed = 0
  const started = performance.now()
  const deadline = started + options.durationMs
  const connection = async () => {
    while (performance.now() < deadline) {
      await send(agent, options)
      completed += 1
    }
  }
  try {
    await Promise.all(Array.from({ length: options.concurrency }, connection))
  } finally {
    agent.destroy()
  }
  const elapsedSeconds = (performance.now() - started) / 1000
  return { completed, requestsPerSecond: completed / elapsedSeconds }
}
