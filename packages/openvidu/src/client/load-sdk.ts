import { CallportError } from '@callport/core'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import type { OpenViduBrowserConstructor } from './openvidu-browser-types'

/**
 * Where openvidu-browser comes from: its `OpenVidu` class, the module (`import * as OV from
 * 'openvidu-browser'`), or a function that imports the module (`() => import('openvidu-browser')`).
 */
export type OpenViduBrowserSource = OpenViduBrowserConstructor | { OpenVidu: OpenViduBrowserConstructor } | (() => Promise<unknown>)

/** The global openvidu-browser's browser build (`openvidu-browser-<version>.min.js`, the CDN script) defines: `OpenVidu`. */
export interface OpenViduBrowserGlobals {
  OpenVidu?: unknown
}

/** Said when neither the `sdk` option nor the CDN global gives openvidu-browser. */
export const OPENVIDU_BROWSER_MISSING =
  'openvidu-browser is not available: pass it as the sdk option (openvidu({ sdk: () => import("openvidu-browser") }) after npm install openvidu-browser@2, or its OpenVidu class), or load openvidu-browser\'s browser build (openvidu-browser-<version>.min.js from the OpenVidu release), which defines window.OpenVidu'

/** openvidu-browser's `OpenVidu` class: a constructor whose instances have `initSession`. */
function isOpenViduClass(value: unknown): value is OpenViduBrowserConstructor {
  return typeof value === 'function' && typeof (value.prototype as { initSession?: unknown } | undefined)?.initSession === 'function'
}

/** The class, from the module as an ES module, through CommonJS interop (`default`), or the class itself. */
function openViduClassOf(module: unknown): OpenViduBrowserConstructor | undefined {
  const asModule = module as { OpenVidu?: unknown; default?: { OpenVidu?: unknown } } | null | undefined
  return [module, asModule?.OpenVidu, asModule?.default?.OpenVidu].find(isOpenViduClass)
}

/** Whether `value` is something `sdk` accepts as it is (no call): the class or the module. */
export function isOpenViduBrowserSource(value: unknown): value is OpenViduBrowserSource {
  return typeof value === 'function' || openViduClassOf(value) !== undefined
}

/**
 * The `OpenVidu` class, found inside `connect()` (so that loading the page or rendering on the server
 * never touches it), never imported by the adapter itself (so that a build of the app needs no
 * openvidu-browser installed): from `sdk` (class, module or loader), else the page's
 * `globalThis.OpenVidu` from openvidu-browser's browser build, else UNSUPPORTED naming both ways.
 */
export async function loadOpenViduBrowser(
  source: OpenViduBrowserSource | undefined,
  globals: OpenViduBrowserGlobals = globalThis as OpenViduBrowserGlobals,
): Promise<OpenViduBrowserConstructor> {
  if (source === undefined) {
    const global = globals.OpenVidu
    if (isOpenViduClass(global)) return global
    throw new CallportError('UNSUPPORTED', OPENVIDU_BROWSER_MISSING, { provider: OPENVIDU_PROVIDER })
  }
  let module: unknown = source
  if (typeof source === 'function' && !isOpenViduClass(source)) {
    try {
      module = await source()
    } catch (cause) {
      throw new CallportError(
        'UNSUPPORTED',
        `The sdk loader failed to load openvidu-browser (is it installed? npm install openvidu-browser@2): ${String((cause as Error | undefined)?.message ?? cause)}`,
        { provider: OPENVIDU_PROVIDER, cause },
      )
    }
  }
  const constructor = openViduClassOf(module)
  if (constructor === undefined) {
    throw new CallportError('INVALID_INPUT', 'The sdk option did not give openvidu-browser: expected its OpenVidu class, the module, or a function that imports it', {
      provider: OPENVIDU_PROVIDER,
    })
  }
  return constructor
}
