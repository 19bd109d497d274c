// @ts-check
// LiveKit access token minting: @callport/livekit's issueToken (the public adapter, HS256 signed locally)
// against livekit-server-sdk's `new AccessToken(…)` + `addGrant` + `toJwt()` (jose) for the same
// participant and grants, and a bare node:crypto HS256 signer of the same claims for scale, in this
// process, in rotating order so that drift in the machine's speed hits all three alike (issue 17
// point 1: "minting at least as fast as livekit-server-sdk in the same process").
// Usage: node bench/livekit-token-mint.mjs [--quick]     (after building packages/livekit: `npx tsup` there, or `npm run build`)
import { createHmac } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { rotateRounds } from './lib/alternate.mjs'
import { defineBench } from './lib/benches.mjs'
import { median } from './lib/statistics.mjs'
import { runFromCommandLine } from './signaling-relay.mjs'

/** The issue's target: minting at least as fast as livekit-server-sdk. */
export const livekitTokenTarget = {
  min: 1,
  unit: 'ratio',
  description: 'LiveKit access tokens per second, @callport/livekit issueToken ÷ livekit-server-sdk AccessToken.toJwt()',
}

const apiKey = 'APIbenchKey1234'
const apiSecret = 'bench-livekit-api-secret-0123456789abcdef'
const room = 'daily-standup'
const ttlSeconds = 3600
const identities = Array.from({ length: 1024 }, (_, index) => `participant-${index}@example.com`)
/** The grants of a Callport publisher (packages/livekit/src/server/access-token.ts videoGrantOfRole). */
const publisherGrant = { room, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true }

const bareHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')

/**
 * The baseline for scale: the same claims, one JSON.stringify, one HMAC, nothing else.
 * @param {string} identity
 */
function bareSign(identity) {
  const now = Math.floor(Date.now() / 1000)
  const claims = { name: identity, video: publisherGrant, iss: apiKey, exp: now + ttlSeconds, nbf: now, sub: identity }
  const unsigned = `${bareHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
  return `${unsigned}.${createHmac('sha256', apiSecret).update(unsigned).digest('base64url')}`
}

/**
 * The claims of a token, keys sorted at every level, as text: tokens equal up to key order and header compare equal.
 * @param {string} token
 */
function claimsOf(token) {
  /** @param {unknown} value @returns {unknown} */
  const sorted = (value) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([key, entry]) => [key, sorted(entry)]),
        )
      : value
  return JSON.stringify(sorted(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))))
}

/**
 * Tokens per second of `sign` over `durationMs`, awaiting each token as a server answering a join
 * does, in batches so that reading the clock costs little.
 * @param {(identity: string) => Promise<string> | string} sign
 * @param {number} durationMs
 */
async function opsPerSecond(sign, durationMs) {
  let operations = 0
  let length = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < durationMs) {
    for (let index = 0; index < 64; index += 1) length += (await sign(identities[(operations + index) & 1023] ?? '')).length
    operations += 64
    elapsed = performance.now() - start
  }
  if (length === 0) throw new Error('no token was made')
  return (operations * 1000) / elapsed
}

const bench = defineBench({
  name: 'livekit-token-mint',
  description: 'LiveKit access token minting: @callport/livekit issueToken vs livekit-server-sdk AccessToken.toJwt() vs a bare node:crypto HS256 signer',
  deterministic: false,
  measures: ['livekit-token-ratio'],
  async run({ quick, log }) {
    const warmUpMs = quick ? 100 : 1000
    const sampleMs = quick ? 150 : 1000
    const rounds = quick ? 3 : 9
    // The built server half through its public entry, and the SDK (both devDependencies of bench).
    const { livekit } = await import('@callport/livekit/server')
    const { AccessToken } = await import('livekit-server-sdk')
    const adapter = livekit({ apiKey, apiSecret, url: 'wss://livekit.example.test', environmentVariables: {} })
    const callportRoom = { name: room, provider: 'livekit', providerRoomId: 'RM_bench' }
    /** @type {Record<'bare' | 'callport' | 'sdk', (identity: string) => Promise<string> | string>} */
    const signers = {
      bare: bareSign,
      callport: async (identity) => (await adapter.issueToken({ room: callportRoom, participant: { identity, name: identity, role: 'publisher' }, ttlSeconds })).value,
      sdk: (identity) => {
        const token = new AccessToken(apiKey, apiSecret, { identity, name: identity, ttl: ttlSeconds })
        token.addGrant(publisherGrant)
        return token.toJwt()
      },
    }
    // The three make tokens with the same claims (the same second permitting): the comparison is like for like.
    let same = false
    for (let attempt = 0; attempt < 3 && !same; attempt += 1) {
      const tokens = await Promise.all(Object.values(signers).map(async (sign) => claimsOf(await sign('alice@example.com'))))
      same = new Set(tokens).size === 1
    }
    if (!same) throw new Error('@callport/livekit, livekit-server-sdk and the bare signer do not make tokens with the same claims')

    const sides = /** @type {const} */ (['bare', 'callport', 'sdk'])
    for (const side of sides) await opsPerSecond(signers[side], warmUpMs)
    const measured = await rotateRounds(
      rounds,
      sides,
      (side) => opsPerSecond(signers[side], sampleMs),
      ({ bare, callport, sdk }, round) =>
        log(`    round ${round + 1}/${rounds}: bare ${Math.round(bare)}, @callport/livekit ${Math.round(callport)}, livekit-server-sdk ${Math.round(sdk)} tokens/s`),
    )
    const ratios = measured.map(({ callport, sdk }) => callport / sdk)
    const againstBare = measured.map(({ callport, bare }) => callport / bare)
    const samples = { bare: measured.map(({ bare }) => bare), callport: measured.map(({ callport }) => callport), sdk: measured.map(({ sdk }) => sdk) }
    return [
      {
        id: 'livekit-token-ratio',
        label: 'LiveKit access tokens per second, @callport/livekit issueToken ÷ livekit-server-sdk AccessToken',
        value: median(ratios),
        unit: 'ratio',
        parts: [
          { label: '@callport/livekit issueToken', value: median(samples.callport), unit: 'ops/s' },
          { label: 'livekit-server-sdk AccessToken + addGrant + toJwt', value: median(samples.sdk), unit: 'ops/s' },
          { label: 'bare node:crypto HS256 signer', value: median(samples.bare), unit: 'ops/s' },
          { label: '@callport/livekit ÷ bare', value: median(againstBare), unit: 'ratio' },
        ],
        details: { sampleMs, rounds, ratios, againstBare, samples },
      },
    ]
  },
})
export default bench

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runFromCommandLine(bench, { 'livekit-token-ratio': livekitTokenTarget })
}
