import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { bundleForBrowser } from '../lib/browser-bundle.mjs'
import { auditBrowserBundle, collectTestSecrets, findSecretLiterals, isServerModule } from '../lib/bundle-audit.mjs'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')
const leakyFile = join(fixtures, 'leaky-client.ts')
const leakySecrets = findSecretLiterals(readFileSync(leakyFile, 'utf8'), 'leaky-client.ts')

const temporary = mkdtempSync(join(tmpdir(), 'callport-audit-'))
afterAll(() => rmSync(temporary, { recursive: true, force: true }))

/** Writes `files` (path → text) below a fresh directory and returns it. */
function writeTree(name: string, files: Record<string, string>): string {
  const root = join(temporary, name)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

describe('auditBrowserBundle', () => {
  it('reports every kind of server code and the secret in a leaky client', async () => {
    const bundle = await bundleForBrowser({ entry: { file: leakyFile }, minify: false })
    const findings = auditBrowserBundle(bundle, leakySecrets)
    const details = findings.map((finding) => `${finding.rule}: ${finding.detail}`)
    expect(details).toEqual(
      expect.arrayContaining([
        // provider-utils' JWT reaches node:crypto through process.getBuiltinModule('node:crypto'): no import, but the specifier is there
        'node-builtin: contains the specifier "node:crypto"',
        expect.stringMatching(/^node-builtin: imports node:crypto \(from bench\/test\/fixtures\/leaky-client\.ts\)$/),
        'server-module: bundles packages/provider-utils/src/server/jwt.ts',
        expect.stringMatching(/^server-code: contains "createHmac"/),
        expect.stringMatching(/^server-code: contains "signHs256Jwt"/),
        expect.stringMatching(/^server-code: contains "\/openvidu\/api"/),
        'secret: contains the test secret "fixture-leaked-api-key-secret" (leaky-client.ts:5)',
      ]),
    )
  })

  it("recognizes LiveKit's server half by its RoomService path, even where no module path gives it away", async () => {
    const serverHalf = join(fixtures, '../../../packages/livekit/src/server/index.ts')
    const bundle = await bundleForBrowser({ entry: { file: serverHalf }, minify: false })
    const textFindings = auditBrowserBundle(bundle, []).filter((finding) => finding.rule === 'server-code')
    expect(textFindings.map((finding) => finding.detail)).toContainEqual(expect.stringMatching(/^contains "twirp\/livekit\.RoomService"/))
  })

  it('finds nothing in a client that only fetches its token', async () => {
    const bundle = await bundleForBrowser({ entry: { file: join(fixtures, 'clean-client.ts') }, minify: false })
    expect(Object.keys(bundle.inputs)).toContain('packages/core/src/schemas.ts')
    expect(auditBrowserBundle(bundle, leakySecrets)).toEqual([])
  })

  it('reports a CommonJS require of a Node built-in unless the package maps it away for browsers', async () => {
    const root = writeTree('builtins', {
      'node_modules/hashes-on-node/package.json': JSON.stringify({ name: 'hashes-on-node', main: 'index.js' }),
      'node_modules/hashes-on-node/index.js': "module.exports = require('crypto').createHash",
      'node_modules/hashes-in-browser/package.json': JSON.stringify({ name: 'hashes-in-browser', main: 'index.js', browser: { crypto: false } }),
      'node_modules/hashes-in-browser/index.js': "module.exports = require('crypto')",
    })
    const bundle = async (name: string) => bundleForBrowser({ entry: { contents: `export { default } from '${name}'`, resolveDir: root }, minify: false })

    const onNode = await bundle('hashes-on-node')
    expect(onNode.nodeImports.map((each) => each.path)).toEqual(['crypto'])
    expect(auditBrowserBundle(onNode, []).map((finding) => finding.rule)).toContain('node-builtin')

    const inBrowser = await bundle('hashes-in-browser')
    expect(inBrowser.nodeImports).toEqual([])
    expect(auditBrowserBundle(inBrowser, [])).toEqual([])
  })
})

describe('isServerModule', () => {
  it.each([
    'packages/provider-utils/src/server/jwt.ts',
    'packages/openvidu/src/server/openvidu-server.ts',
    'node_modules/.pnpm/socket.io@4.8.1/node_modules/socket.io/dist/index.js',
    'node_modules/.pnpm/jsonwebtoken@9.0.2/node_modules/jsonwebtoken/sign.js',
  ])('%s is server code', (input) => {
    expect(isServerModule(input)).toBe(true)
  })
  it.each([
    'packages/client/src/session.ts',
    'packages/signaling/src/client/index.ts',
    'packages/signaling/src/shared/protocol.ts',
    'node_modules/.pnpm/socket.io-client@4.8.1/node_modules/socket.io-client/build/esm/index.js',
    'node_modules/.pnpm/engine.io-client@6.6.3/node_modules/engine.io-client/build/esm/socket.js',
  ])('%s is not', (input) => {
    expect(isServerModule(input)).toBe(false)
  })
})

describe('test secrets', () => {
  it('finds string literals given to secret-named keys and variables', () => {
    const text = [
      'const settings = { secret: \'signaling-test-secret\', apiKeySecret: "twilio-key-secret-1" }',
      'const vidyo = { developerKey: `vidyo-developer-key` }',
      "const short = { secret: 'abc' }",
      'const templated = { authToken: `${prefix}-token-value` }',
      '{ "apiKey": "kaleyra-api-key-0001" }',
      "let password = 'hunter2-hunter2'",
      "const OPENVIDU_SECRET = 'openvidu-secret-value'",
      "const name = 'not-a-secret-value'",
      'function check(secret: string) { return secret === "compared-not-assigned" }',
    ].join('\n')
    expect(findSecretLiterals(text, 'sample.test.ts')).toEqual([
      { value: 'signaling-test-secret', file: 'sample.test.ts', line: 1 },
      { value: 'twilio-key-secret-1', file: 'sample.test.ts', line: 1 },
      { value: 'vidyo-developer-key', file: 'sample.test.ts', line: 2 },
      { value: 'kaleyra-api-key-0001', file: 'sample.test.ts', line: 5 },
      { value: 'hunter2-hunter2', file: 'sample.test.ts', line: 6 },
      { value: 'openvidu-secret-value', file: 'sample.test.ts', line: 7 },
    ])
  })

  it('collects them from test files and fixtures only, once each', () => {
    const root = writeTree('repository', {
      'packages/twilio/src/access-token.test.ts': "const apiKeySecret = 'twilio-secret-from-test'",
      'packages/twilio/test/fixtures/room.json': '{ "authToken": "twilio-auth-token-fixture" }',
      'packages/twilio/src/access-token.ts': "const secret = 'shipped-code-is-not-a-test'",
      'packages/twilio/node_modules/dependency/index.test.js': "const secret = 'dependency-secret-value'",
      'apps/demo/server.test.ts': "const secret = 'twilio-secret-from-test'",
    })
    expect(collectTestSecrets(root)).toEqual([
      { value: 'twilio-secret-from-test', file: 'packages/twilio/src/access-token.test.ts', line: 1 },
      { value: 'twilio-auth-token-fixture', file: 'packages/twilio/test/fixtures/room.json', line: 1 },
    ])
  })
})
