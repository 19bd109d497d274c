// @ts-check
import { once } from 'node:events'
import { Agent } from 'node:http'
import { Worker } from 'node:worker_threads'
import { defineBench } from '../lib/benches.mjs'
import { measureRequestsPerSecond, send } from '../lib/http-load.mjs'
import { median } from '../lib/statistics.mjs'

const concurrency = 16
const request = {
  path: '/join',
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ room: 'standup' }),
}

/** Alternating order (ABBA…) so that drift in the machine's speed hits both sides alike. */
const order = /** @type {const} */ ([
  ['bare', 'callport'],
  ['callport', 'bare'],
])

export default defineBench({
  name: 'join-throughput',
  description: 'POST /join through toNodeHandler(createCallServer({ providers: [memory()] })) vs a bare node:http + node:crypto JWT handler',
  deterministic: false,
  measures: ['join-throughput-ratio'],
  async run({ quick, log }) {
    const warmUpMs = quick ? 200 : 2000
    const sampleMs = quick ? 300 : 2000
    const rounds = quick ? 2 : 6
    const { JoinResponseSchema } = await import('@callport/core')
    // Plain Node flags: the servers run the built packages, even when a test runner added `--conditions`.
    const worker = new Worker(new URL('./join-servers.mjs', import.meta.url), { execArgv: [] })
    try {
      // `once` rejects if the worker fails to start (its 'error' event).
      const [ports] = /** @type {[{ bare: number, callport: number }]} */ (await once(worker, 'message'))
      /** @param {'bare' | 'callport'} side @param {number} durationMs */
      const load = (side, durationMs) => measureRequestsPerSecond({ ...request, port: ports[side], concurrency, durationMs })

      const agent = new Agent()
      for (const side of /** @type {const} */ (['bare', 'callport'])) {
        JoinResponseSchema.parse(JSON.parse(await send(agent, { ...request, port: ports[side] })))
      }
      agent.destroy()

      await load('bare', warmUpMs)
      await load('callport', warmUpMs)
      /** @type {{ bare: number[], callport: number[] }} */
      const samples = { bare: [], callport: [] }
      /** @type {number[]} */
      const roundRatios = []
      for (let round = 0; round < rounds; round += 1) {
        const measured = { bare: 0, callport: 0 }
        for (const side of order[round % 2] ?? []) {
          measured[side] = (await load(side, sampleMs)).requestsPerSecond
          samples[side].push(measured[side])
        }
        roundRatios.push(measured.callport / measured.bare)
        log(`    round ${round + 1}/${rounds}: bare ${Math.round(measured.bare)} ops/s, callport ${Math.round(measured.callport)} ops/s`)
      }
      return [
        {
          id: 'join-throughput-ratio',
          label: 'POST /join, createCallServer ÷ bare',
          value: median(roundRatios),
          unit: 'ratio',
          parts: [
            { label: 'bare node:http + node:crypto JWT', value: median(samples.bare), unit: 'ops/s' },
            { label: 'toNodeHandler(createCallServer)', value: median(samples.callport), unit: 'ops/s' },
          ],
          details: { concurrency, sampleMs, rounds, roundRatios, samples },
        },
      ]
    } finally {
      worker.postMessage('close')
      await Promise.race([once(worker, 'exit'), new Promise((resolve) => setTimeout(resolve, 5000).unref())])
      await worker.terminate()
    }
  },
})
