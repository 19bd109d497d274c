import { CallportError } from '@callport/core'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import type { OpenViduBrowserConstructor } from './openvidu-browser-types'

/** What `import('openvidu-browser')` gives, as an ES module or through CommonJS interop. */
interface OpenViduBrowserModule {
  OpenVidu?: OpenViduBrowserConstructor
  default?: { OpenVidu?: OpenViduBrowserConstructor }
}

/** Imports openvidu-browser (an optional peer dependency); replaced in tests. */
export type OpenViduBrowserImporter = () => Promise<unknown>

const importOpenViduBrowser: OpenViduBrowserImporter = () => import('openvidu-browser')

/**
 * The `OpenVidu` class: the one passed in, else openvidu-browser's, imported now (inside
 * `connect()`, so that loading the page or rendering on the server never touches it).
 */
export async function loadOpenViduBrowser(
  injected: OpenViduBrowserConstructor | undefined,
  importer: OpenViduBrowserImporter = importOpenViduBrowser,
): Promise<OpenViduBrowserConstructor> {
  if (injected) return injected
  let module: OpenViduBrowserModule
  try {
    module = (await importer()) as OpenViduBrowserModule
  } catch (cause) {
    throw new CallportError(
      'UNSUPPORTED',
      'openvidu-browser could not be loaded: install it (npm install openvidu-browser@2) or pass the OpenVidu class: openvidu({ sdk: OpenVidu })',
      { provider: OPENVIDU_PROVIDER, cause },
    )
  }
  const constructor = module.OpenVidu ?? module.default?.OpenVidu
  if (typeof constructor !== 'function') {
    throw new CallportError('UNSUPPORTED', 'The openvidu-browser module has no OpenVidu class', { provider: OPENVIDU_PROVIDER })
  }
  return constructor
}
