// @ts-check
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, relative, sep } from 'node:path'
import { repositoryRoot } from './workspace.mjs'

/**
 * Text that only server code contains. Matched case-insensitively against an unminified bundle
 * (identifiers keep their names there).
 */
export const serverOnlyText = [
  { text: 'createHmac', why: 'token signing (node:crypto HMAC)' },
  { text: 'signHs256Jwt', why: 'token signing (@callport/server)' },
  { text: 'verifyHs256Jwt', why: 'token verification (@callport/server)' },
  { text: 'jsonwebtoken', why: 'a token-signing library' },
  { text: '/openvidu/api', why: 'the OpenVidu REST client' },
  { text: 'OPENVIDUAPP', why: 'OpenVidu REST basic-auth user' },
  { text: 'rest/sdk/credentials', why: 'the Kaleyra credentials REST client' },
  { text: 'video.twilio.com', why: 'the Twilio Rooms REST client' },
  { text: 'X-Twilio-Signature', why: 'Twilio webhook verification' },
  { text: 'twilio-fpa', why: 'Twilio Access Token signing' },
  { text: 'twirp/livekit.RoomService', why: 'the LiveKit RoomService client (Twirp)' },
]

/** npm packages that belong on a server only. */
export const serverOnlyPackages = [
  'jsonwebtoken',
  'jws',
  'socket.io',
  'engine.io',
  'express',
  'redis',
  '@redis/client',
  '@socket.io/redis-adapter',
  'twilio',
  'openvidu-node-client',
  'livekit-server-sdk',
]

const builtinPattern = builtinModules.map((name) => name.replace(/[/]/g, '\\/')).join('|')
const requireOfBuiltin = new RegExp(`\\brequire\\(\\s*["'\`](?:node:)?(?:${builtinPattern})["'\`]\\s*\\)`)
const nodeSpecifier = /["'`]node:[a-z_/]+["'`]/

/**
 * True for a bundled module that is server code: `@callport/server`, a package's `src/server/`
 * half, or a server-only npm package.
 * @param {string} input a path from esbuild's metafile (relative to the repository root)
 */
export function isServerModule(input) {
  const path = input.split(sep).join('/')
  if (/(^|\/)packages\/server\//.test(path) || /(^|\/)packages\/[^/]+\/src\/server\//.test(path)) return true
  return serverOnlyPackages.some((name) => path.includes(`/node_modules/${name}/`))
}

/** @typedef {{ rule: string, detail: string }} Finding */
/** @typedef {{ value: string, file: string, line: number }} TestSecret */

/**
 * Everything in a browser bundle that should not be there: Node built-ins, server modules,
 * token-signing and vendor-REST code, and any of the given secrets.
 * @param {import('./browser-bundle.mjs').BrowserBundle} bundle an unminified bundle
 * @param {TestSecret[]} secrets
 * @returns {Finding[]}
 */
export function auditBrowserBundle(bundle, secrets) {
  /** @type {Finding[]} */
  const findings = []
  for (const { path, importer } of bundle.nodeImports) {
    findings.push({ rule: 'node-builtin', detail: `imports ${path} (from ${importer})` })
  }
  for (const input of Object.keys(bundle.inputs).filter(isServerModule)) {
    findings.push({ rule: 'server-module', detail: `bundles ${input}` })
  }
  const requireMatch = requireOfBuiltin.exec(bundle.code)
  if (requireMatch) findings.push({ rule: 'node-builtin', detail: `contains ${requireMatch[0]}` })
  const specifierMatch = nodeSpecifier.exec(bundle.code)
  if (specifierMatch) findings.push({ rule: 'node-builtin', detail: `contains the specifier ${specifierMatch[0]}` })
  const lowerCode = bundle.code.toLowerCase()
  for (const { text, why } of serverOnlyText) {
    if (lowerCode.includes(text.toLowerCase())) findings.push({ rule: 'server-code', detail: `contains "${text}": ${why}` })
  }
  for (const secret of secrets) {
    if (bundle.code.includes(secret.value)) {
      findings.push({ rule: 'secret', detail: `contains the test secret ${JSON.stringify(secret.value)} (${secret.file}:${secret.line})` })
    }
  }
  return findings
}

/** Shorter literals are too generic to search a bundle for ("secret", "s3cr3t"). */
export const MINIMUM_SECRET_LENGTH = 8

/**
 * A string literal given to a secret-named key or variable: `secret: '…'`, `apiKeySecret = "…"`,
 * `"developerKey": "…"`, `authToken`, `apiKey`, `password`, `privateKey`, in any case.
 */
const secretAssignment = /(?<![\w$])["']?[\w$]*(?:secret|apikey|developerkey|authtoken|password|privatekey)[\w$]*["']?\??\s*[:=]\s*(["'`])((?:(?!\1)[^\\\n]|\\.)*)\1/gi

/**
 * The secret literals in one file's text.
 * @param {string} text
 * @param {string} file shown in findings
 * @returns {TestSecret[]}
 */
export function findSecretLiterals(text, file) {
  /** @type {TestSecret[]} */
  const secrets = []
  for (const match of text.matchAll(secretAssignment)) {
    const value = match[2] ?? ''
    if (value.length < MINIMUM_SECRET_LENGTH || value.includes('${')) continue
    const line = text.slice(0, match.index).split('\n').length
    secrets.push({ value, file, line })
  }
  return secrets
}

const testFile = /\.(test|spec)(-d)?\.[cm]?[jt]sx?$/
const testDirectories = new Set(['test', 'tests', 'fixtures', '__fixtures__'])
const skippedDirectories = new Set(['node_modules', 'dist', '.turbo', 'coverage', 'results'])

/**
 * @param {string} directory
 * @param {boolean} insideTestDirectory
 * @returns {string[]}
 */
function listTestFiles(directory, insideTestDirectory) {
  /** @type {string[]} */
  const files = []
  let entries
  try {
    entries = readdirSync(directory, { withFileTypes: true })
  } catch {
    return files
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || skippedDirectories.has(entry.name)) continue
    const path = join(directory, entry.name)
    if (entry.isDirectory()) files.push(...listTestFiles(path, insideTestDirectory || testDirectories.has(entry.name)))
    else if (testFile.test(entry.name) || (insideTestDirectory && /\.(json|[cm]?[jt]sx?)$/.test(entry.name))) files.push(path)
  }
  return files
}

/**
 * Every secret the repository's tests use: string literals of at least
 * {@link MINIMUM_SECRET_LENGTH} characters assigned to secret-named keys in test files
 * (`*.test.ts`, `*.spec.ts`, …) and in `test/` and `fixtures/` directories of packages/, apps/,
 * tools/ and bench/. A client bundle must contain none of them.
 * @param {string} [root]
 * @returns {TestSecret[]}
 */
export function collectTestSecrets(root = repositoryRoot) {
  const unique = new Map()
  for (const top of ['packages', 'apps', 'tools', 'bench']) {
    for (const file of listTestFiles(join(root, top), false)) {
      for (const secret of findSecretLiterals(readFileSync(file, 'utf8'), relative(root, file))) {
        if (!unique.has(secret.value)) unique.set(secret.value, secret)
      }
    }
  }
  return [...unique.values()]
}
