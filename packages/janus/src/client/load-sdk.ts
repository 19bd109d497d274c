import { CallportError } from '@callport/core'
import { JANUS_PROVIDER } from '../shared/provider-id'
import type { JanusJs } from './janus-js-types'

/** Where janus.js comes from: the module (`janus-gateway`, whose default export is `Janus`), `Janus` itself, or a function that imports it (`() => import('janus-gateway')`). */
export type JanusJsSource = JanusJs | { default: JanusJs } | (() => Promise<unknown>)

/** Where webrtc-adapter comes from (janus.js needs it): the module, or a function that imports it (`() => import('webrtc-adapter')`). */
export type WebRtcAdapterSource = object | (() => Promise<unknown>)

/** The globals janus.js's script (the demos' `janus.js`) and webrtc-adapter's browser build (`adapter-latest.js`) define. */
export interface JanusJsGlobals {
  Janus?: unknown
  adapter?: unknown
}

/** janus.js, initialized with webrtc-adapter, ready for `new Janus(…)`. */
export interface LoadedJanusJs {
  Janus: JanusJs
  /** The webrtc-adapter janus.js was given. */
  adapter: object
}

/** Said when neither the `sdk` option nor the global gives janus.js. */
export const JANUS_JS_MISSING =
  'janus.js is not available: pass it as the sdk option (janus({ sdk: () => import("janus-gateway") }) after npm install janus-gateway webrtc-adapter), or load janus.js with a script tag, which defines window.Janus'

/** Said when neither the `webrtcAdapter` option nor the global gives webrtc-adapter. */
export const WEBRTC_ADAPTER_MISSING =
  'webrtc-adapter, which janus.js needs, is not available: pass it as the webrtcAdapter option (janus({ webrtcAdapter: () => import("webrtc-adapter") }) after npm install webrtc-adapter), or load its browser build (adapter-latest.js) with a script tag, which defines window.adapter'

function isJanusJs(value: unknown): value is JanusJs {
  return typeof value === 'function' && typeof (value as Partial<JanusJs>).init === 'function' && typeof (value as Partial<JanusJs>).useDefaultDependencies === 'function'
}

/** webrtc-adapter's module object: its `browserDetails` says which browser it shimmed. */
function isWebRtcAdapter(value: unknown): value is object {
  return typeof value === 'object' && value !== null && typeof (value as { browserDetails?: unknown }).browserDetails === 'object'
}

const defaultOf = (value: unknown): unknown => (value as { default?: unknown } | null | undefined)?.default

/** The value, or its `default` (an ES module namespace), or that one's `default` (webrtc-adapter's CommonJS build imported from ESM in Node). */
function pick<T>(value: unknown, is: (candidate: unknown) => candidate is T): T | undefined {
  return [value, defaultOf(value), defaultOf(defaultOf(value))].find(is)
}

interface Wanted<T> {
  /** The option's name. */
  option: 'sdk' | 'webrtcAdapter'
  is: (candidate: unknown) => candidate is T
  /** What the option must give, for the message. */
  expected: string
  install: string
}

async function load<T>(source: unknown, { option, is, expected, install }: Wanted<T>): Promise<T> {
  let module = source
  if (typeof source === 'function' && !is(source)) {
    try {
      module = await (source as () => Promise<unknown>)()
    } catch (error) {
      const reason = String((error as Error | undefined)?.message ?? error)
      throw new CallportError('UNSUPPORTED', `The ${option} loader failed (is it installed? ${install}): ${reason}`, { provider: JANUS_PROVIDER, cause: error })
    }
  }
  const found = pick(module, is)
  if (found) return found
  throw new CallportError('INVALID_INPUT', `The ${option} option did not give ${expected}`, { provider: JANUS_PROVIDER })
}

const janusJs: Wanted<JanusJs> = {
  option: 'sdk',
  is: isJanusJs,
  // janus-gateway's ES module exports Janus only where `window` exists: imported during server-side rendering, its default is undefined.
  expected: 'janus.js (the Janus constructor, with init and useDefaultDependencies; janus-gateway defines it only where window exists, so load it in the browser)',
  install: 'npm install janus-gateway',
}
const webrtcAdapter: Wanted<object> = {
  option: 'webrtcAdapter',
  is: isWebRtcAdapter,
  expected: 'webrtc-adapter (an object with browserDetails)',
  install: 'npm install webrtc-adapter',
}

/** Janus.init runs once per Janus class (janus.js ignores the options of later calls). */
const initialized = new WeakMap<JanusJs, Promise<void>>()

/**
 * Finds janus.js and webrtc-adapter when a call starts (or is prepared), never at import, and never
 * imports them itself (so that a build of the app needs neither installed): the injected modules or
 * loaders, else the globals `Janus` and `adapter` of their scripts on the page, else UNSUPPORTED
 * naming both ways. Then runs `Janus.init` once with webrtc-adapter as its dependency (no debug
 * logging).
 */
export async function loadJanusJs(
  sources: { sdk?: JanusJsSource | undefined; webrtcAdapter?: WebRtcAdapterSource | undefined },
  globals: JanusJsGlobals = globalThis as JanusJsGlobals,
): Promise<LoadedJanusJs> {
  const Janus = sources.sdk === undefined ? (isJanusJs(globals.Janus) ? globals.Janus : undefined) : await load(sources.sdk, janusJs)
  if (!Janus) throw new CallportError('UNSUPPORTED', JANUS_JS_MISSING, { provider: JANUS_PROVIDER })
  const adapter = sources.webrtcAdapter === undefined ? (isWebRtcAdapter(globals.adapter) ? globals.adapter : undefined) : await load(sources.webrtcAdapter, webrtcAdapter)
  if (!adapter) throw new CallportError('UNSUPPORTED', WEBRTC_ADAPTER_MISSING, { provider: JANUS_PROVIDER })
  let init = initialized.get(Janus)
  if (!init) {
    init = new Promise<void>((resolve) => Janus.init({ debug: false, dependencies: Janus.useDefaultDependencies({ adapter }), callback: resolve }))
    initialized.set(Janus, init)
  }
  await init
  return { Janus, adapter }
}
