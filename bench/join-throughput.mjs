// @ts-check
import { once } from 'node:events'
import { Agent } from 'node:http'
import { Worker } from 'node:worker_threads'
import { alternateRounds } from './lib/alternate.mjs'
import { defineBench } from './lib/benches.mjs'
import { measureRequestsPerSecond, send } from './lib/http-load.mjs'
import { median } from './lib/statistics.mjs'

const concurrency = 16
const request = {
  path: '/join',
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ room: 'standup' }),
}

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
    const worker = new Worker(new URL('./lib/join-servers.mjs', import.meta.url), { execArgv: [] })
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
      const pairs = await alternateRounds(
        rounds,
        {
          baseline: async () => (await load('bare', sampleMs)).requestsPerSecond,
          candidate: async () => (await load('callport', sampleMs)).requestsPerSecond,
        },
        ({ baseline, candidate }, round) => log(`    round ${round + 1}/${rounds}: bare ${Math.round(baseline)} ops/s, callport ${Math.round(candidate)} ops/s`),
      )
      const samples = { bare: pairs.map((pair) => pair.baseline), callport: pairs.map((pair) => pair.candidate) }
      const roundRatios = pairs.map((pair) => pair.candidate / pair.baseline)
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
