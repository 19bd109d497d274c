import { readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { CallportError } from '@callport/core'
import { describe, expect, it, vi } from 'vitest'
import { loadOpenViduBrowser, type OpenViduBrowserGlobals } from '../src/client/load-sdk'
import { createOpenViduClientAdapter, openvidu } from '../src/client/openvidu-client-adapter'
import { startClientHarness } from './client-harness'
import { useMswServer } from './msw-server'

const msw = useMswServer()
const require = createRequire(import.meta.url)

/** The oldest and the newest openvidu-browser of the peer range (devDependencies openvidu-browser-oldest and openvidu-browser). */
const builds = [
  { name: 'openvidu-browser-oldest', version: '2.23.0' },
  { name: 'openvidu-browser', version: '2.32.2' },
]

/** Runs openvidu-browser's browser build (`static/js/openvidu-browser-<version>.min.js`, what the OpenVidu release serves) in a bare window, as a script tag would. */
function windowWithScript(name: string, version: string): OpenViduBrowserGlobals {
  const directory = join(dirname(require.resolve(`${name}/package.json`)), 'static/js')
  const script = readdirSync(directory).find((file) => file === `openvidu-browser-${version}.min.js`)
  expect(script, `${name} ships openvidu-browser-${version}.min.js`).toBeDefined()
  const window: Record<string, unknown> = {
    navigator: { userAgent: 'Mozilla/5.0 Chrome/140.0.0.0' },
    location: { href: 'https://app.example/', protocol: 'https:' },
    addEventListener() {},
    removeEventListener() {},
    WebSocket: class {},
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    console,
  }
  window['window'] = window
  runInNewContext(readFileSync(join(directory, script ?? ''), 'utf8'), window)
  return window
}

async function rejectionOf(promise: Promise<unknown>): Promise<CallportError> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (failure: unknown) => failure,
  )
  if (!CallportError.isInstance(error)) throw error
  return error
}

describe('where openvidu-browser comes from', () => {
  it.each(builds)("without sdk, the browser build's global OpenVidu of $name $version", async ({ name, version }) => {
    const globals = windowWithScript(name, version)
    const OpenVidu = await loadOpenViduBrowser(undefined, globals)
    expect(OpenVidu).toBe(globals.OpenVidu)
    for (const method of ['initSession', 'initPublisherAsync', 'enableProdMode'])
      expect(typeof (OpenVidu.prototype as unknown as Record<string, unknown>)[method], method).toBe('function')
  })

  it('sdk: () => import(openvidu-browser) loads the npm module (ES module or CommonJS default)', async () => {
    const loader = vi.fn(() => import('openvidu-browser') as Promise<unknown>)
    const OpenVidu = await loadOpenViduBrowser(loader, {})
    expect(loader).toHaveBeenCalledTimes(1)
    expect(typeof OpenVidu.prototype.initSession).toBe('function')
    class Fake {
      initSession() {}
    }
    expect(await loadOpenViduBrowser(async () => ({ default: { OpenVidu: Fake } }), {})).toBe(Fake)
    expect(await loadOpenViduBrowser({ OpenVidu: Fake } as never, {})).toBe(Fake)
  })

  it('the adapter loads through sdk only inside connect(), and the class itself is taken as is', async () => {
    const harness = startClientHarness(msw)
    const OpenVidu = harness.media.OpenVidu
    const loader = vi.fn(async () => ({ OpenVidu }))
    const adapter = openvidu({ sdk: loader })
    expect(loader).not.toHaveBeenCalled()
    const token = await harness.tokenFor('standup', 'alice')
    const connection = await adapter.connect(token, { audio: false, video: false, refreshToken: async () => token })
    expect(loader).toHaveBeenCalledTimes(1)
    expect(harness.media.rooms.get('standup')?.size).toBe(1)
    await connection.disconnect()
    expect(await loadOpenViduBrowser(OpenVidu, {})).toBe(OpenVidu)
  })

  it('without sdk, the adapter uses the page global in connect()', async () => {
    const harness = startClientHarness(msw)
    const adapter = createOpenViduClientAdapter({}, { OpenVidu: harness.media.OpenVidu })
    const token = await harness.tokenFor('standup', 'bob')
    const connection = await adapter.connect(token, { audio: false, video: false, refreshToken: async () => token })
    expect(harness.media.rooms.get('standup')?.size).toBe(1)
    await connection.disconnect()
  })

  it('neither sdk nor the global: UNSUPPORTED, naming both ways', async () => {
    for (const globals of [{}, { OpenVidu: {} }, { OpenVidu: () => undefined }]) {
      const error = await rejectionOf(loadOpenViduBrowser(undefined, globals))
      expect(error).toMatchObject({ code: 'UNSUPPORTED', provider: 'openvidu' })
      expect(error.message).toContain('sdk option')
      expect(error.message).toContain('import("openvidu-browser")')
      expect(error.message).toContain('window.OpenVidu')
    }
  })

  it('a loader that fails is UNSUPPORTED with its cause; one that gives no OpenVidu class is INVALID_INPUT', async () => {
    const cause = new Error("Cannot find package 'openvidu-browser'")
    const failed = await rejectionOf(loadOpenViduBrowser(() => Promise.reject(cause), {}))
    expect(failed).toMatchObject({ code: 'UNSUPPORTED', cause })
    expect(failed.message).toMatch(/npm install openvidu-browser@2/)
    expect(await rejectionOf(loadOpenViduBrowser(async () => ({}), {}))).toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('refuses an sdk option that is neither a function nor the module', () => {
    expect(() => openvidu({ sdk: { OpenVidu: 'no' } as never })).toThrow(/sdk/)
  })
})
