// @ts-check
// Access Token minting of @callport/twilio (node:crypto) against twilio-node's AccessToken with a
// VideoGrant (jsonwebtoken) and against a bare node:crypto HS256 signer of the same claims, in this
// process, in rotating order so that drift in the machine's speed hits all three alike.
// Usage: node bench/twilio-token.mjs [--quick]     (after building packages/twilio: `npx tsup` there)
import { createHmac } from 'node:crypto'
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { rotateRounds } from './lib/alternate.mjs'
import { defineBench } from './lib/benches.mjs'
import { median } from './lib/statistics.mjs'
import { runFromCommandLine } from './signaling-relay.mjs'

const twilioDirectory = new URL('../packages/twilio/', import.meta.url)
/** twilio-node as packages/twilio has it (a devDependency there). */
const requireFromTwilio = createRequire(new URL('package.json', twilioDirectory))
/** The built server half. */
const twilioServerEntry = new URL('dist/server/access-token.js', twilioDirectory).href

/** The target: minting at least half as fast as the bare signer. */
export const twilioTokenTarget = { min: 0.5, unit: 'ratio', description: 'Access Tokens per second, @callport/twilio ÷ a bare node:crypto HS256 signer' }

const accountSid = `AC${'0123456789abcdef'.repeat(2)}`
const apiKeySid = `SK${'fedcba9876543210'.repeat(2)}`
const apiKeySecret = 'bench-api-key-secret-0123456789abcdef'
const room = 'daily-standup'
const identities = Array.from({ length: 1024 }, (_, index) => `participant-${index}@example.com`)

const bareHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' })).toString('base64url')

/**
 * The baseline: the same header and claims, one JSON.stringify, one HMAC, nothing else.
 * @param {string} identity
 */
function bareSign(identity) {
  const now = Math.floor(Date.now() / 1000)
  const payload = { jti: `${apiKeySid}-${now}`, grants: { identity, video: { room } }, iat: now, exp: now + 3600, iss: apiKeySid, sub: accountSid }
  const unsigned = `${bareHeader}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
  return `${unsigned}.${createHmac('sha256', apiKeySecret).update(unsigned).digest('base64url')}`
}

/**
 * Operations per second of `sign` over `durationMs`, in batches so that reading the clock costs little.
 * @param {(identity: string) => string} sign
 * @param {number} durationMs
 */
function opsPerSecond(sign, durationMs) {
  let operations = 0
  let length = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < durationMs) {
    for (let index = 0; index < 256; index += 1) length += sign(identities[(operations + index) & 1023] ?? '').length
    operations += 256
    elapsed = performance.now() - start
  }
  if (length === 0) throw new Error('no token was made')
  return (operations * 1000) / elapsed
}

const bench = defineBench({
  name: 'twilio-token',
  description: 'Twilio Access Token minting: @callport/twilio vs twilio-node AccessToken + VideoGrant vs a bare node:crypto HS256 signer',
  deterministic: false,
  measures: ['twilio-token-ratio'],
  async run({ quick, log }) {
    const warmUpMs = quick ? 100 : 1000
    const sampleMs = quick ? 150 : 1000
    const rounds = quick ? 3 : 9
    const { createAccessToken } = await import(twilioServerEntry)
    const AccessToken = requireFromTwilio('twilio').jwt.AccessToken
    /** @type {Record<'bare' | 'callport' | 'twilioNode', (identity: string) => string>} */
    const signers = {
      bare: bareSign,
      callport: (identity) => createAccessToken({ accountSid, apiKeySid, apiKeySecret, identity, room }),
      twilioNode: (identity) => {
        const token = new AccessToken(accountSid, apiKeySid, apiKeySecret, { identity })
        token.addGrant(new AccessToken.VideoGrant({ room }))
        return token.toJwt()
      },
    }
    // The three make the same token (the same second permitting): the comparison is like for like.
    const same = [1, 2, 3].some(() => new Set(Object.values(signers).map((sign) => sign('alice'))).size === 1)
    if (!same) throw new Error('@callport/twilio, twilio-node and the bare signer do not make the same token')

    const sides = /** @type {const} */ (['bare', 'callport', 'twilioNode'])
    for (const side of sides) opsPerSecond(signers[side], warmUpMs)
    const measured = await rotateRounds(
      rounds,
      sides,
      (side) => opsPerSecond(signers[side], sampleMs),
      ({ bare, callport, twilioNode }, round) =>
        log(`    round ${round + 1}/${rounds}: bare ${Math.round(bare)}, @callport/twilio ${Math.round(callport)}, twilio-node ${Math.round(twilioNode)} tokens/s`),
    )
    const ratios = measured.map(({ callport, bare }) => callport / bare)
    const againstTwilioNode = measured.map(({ callport, twilioNode }) => callport / twilioNode)
    const samples = {
      bare: measured.map(({ bare }) => bare),
      callport: measured.map(({ callport }) => callport),
      twilioNode: measured.map(({ twilioNode }) => twilioNode),
    }
    return [
      {
        id: 'twilio-token-ratio',
        label: 'Access Tokens per second, @callport/twilio ÷ bare node:crypto HS256',
        value: median(ratios),
        unit: 'ratio',
        parts: [
          { label: 'bare node:crypto HS256 signer', value: median(samples.bare), unit: 'ops/s' },
          { label: '@callport/twilio createAccessToken', value: median(samples.callport), unit: 'ops/s' },
          { label: 'twilio-node AccessToken + VideoGrant', value: median(samples.twilioNode), unit: 'ops/s' },
          { label: '@callport/twilio ÷ twilio-node', value: median(againstTwilioNode), unit: 'ratio' },
        ],
        details: { sampleMs, rounds, ratios, againstTwilioNode, samples },
      },
    ]
  },
})
export default bench

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runFromCommandLine(bench, { 'twilio-token-ratio': twilioTokenTarget })
}
