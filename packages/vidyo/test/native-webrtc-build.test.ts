import { describe, expect, it } from 'vitest'
import { loadVidyoClient, NATIVE_WEBRTC_BUILD_REFUSAL, type LoaderHost, type VidyoGlobals } from '../src/client/load-sdk'
import { createVidyoClientAdapter } from '../src/client/vidyo-client-adapter'
import { vidyo } from '../src/client/index'
import { fakeVidyoClientLib, NativeVidyoConnectorClass, startNativeVidyoClient } from './fake-vidyo-native-webrtc'
import { connectOptions, createHarness, fakeContainer } from './vidyo-harness'
import { rejection } from './rejection'

/** A page whose scripts run when `run` is called: the native build defines VidyoClientLib, then the browser fires load. */
function nativePage(globals: VidyoGlobals = {}) {
  const scripts: Array<{ url: string; run: () => void }> = []
  const host: LoaderHost = {
    globals,
    injectScript: (url, _onError, onLoad) => {
      scripts.push({
        url,
        run: () => {
          globals.VidyoClientLib = fakeVidyoClientLib
          onLoad()
        },
      })
    },
  }
  return { host, globals, scripts }
}

describe("VidyoPlatform's native WebRTC build", () => {
  it('the fake, as the SDK: new VidyoClientLib.VidyoClient calls back READY and is the connector class, whose Connect throws', async () => {
    const client = await startNativeVidyoClient()
    expect(client).toBe(NativeVidyoConnectorClass)
    const connector = await client.CreateVidyoConnector({
      viewId: 'call',
      viewStyle: 'VIDYO_CONNECTORVIEWSTYLE_Default',
      remoteParticipants: 8,
      logFileFilter: '',
      logFileName: '',
      userData: '',
    })
    expect(() => connector.Connect({} as never)).toThrow('Not implemented.')
  })

  it('is recognized when the loaded script defines VidyoClientLib instead of calling onVidyoClientLoaded: UNSUPPORTED at once', async () => {
    const page = nativePage()
    const loading = loadVidyoClient({ scriptUrl: 'https://static.platform.vidyo.io/vidyoclient/webrtc/latest/VidyoClient.min.js', timeoutMilliseconds: 60_000 }, page.host)
    page.scripts[0]?.run()
    const error = await rejection(loading)
    expect(error).toMatchObject({ code: 'UNSUPPORTED', provider: 'vidyo', retryable: false })
    expect(error.message).toBe(NATIVE_WEBRTC_BUILD_REFUSAL)
  })

  it('is recognized on the page already, without adding a script', async () => {
    const page = nativePage({ VidyoClientLib: fakeVidyoClientLib })
    const error = await rejection(loadVidyoClient({ scriptUrl: '/VidyoClient.js', timeoutMilliseconds: 1000 }, page.host))
    expect(error.code).toBe('UNSUPPORTED')
    expect(page.scripts).toHaveLength(0)
  })

  it('a 4.1 script that has loaded but not yet called back is still waited for', async () => {
    const globals: VidyoGlobals = {}
    let loaded = (): void => undefined
    const host: LoaderHost = { globals, injectScript: (_url, _onError, onLoad) => void (loaded = onLoad) }
    const loading = loadVidyoClient({ scriptUrl: '/VidyoClient.js', timeoutMilliseconds: 1000 }, host)
    loaded()
    const client = { CreateVidyoConnector: () => Promise.reject(new Error('unused')) }
    globals.VC = client
    globals.onVidyoClientLoaded?.({ state: 'READY' })
    expect(await loading).toBe(client)
  })

  it('passed as sdk, its Connect refusal becomes UNSUPPORTED, and the connector is not left connecting', async () => {
    const { issue } = createHarness()
    const adapter = vidyo({ sdk: await startNativeVidyoClient() })
    const error = await rejection(adapter.connect(await issue('standup', 'alice'), connectOptions({ container: fakeContainer('native-call') })))
    expect(error).toMatchObject({ code: 'UNSUPPORTED', provider: 'vidyo' })
    expect(error.message).toContain('ConnectToRoomAsGuest')
    const connector = NativeVidyoConnectorClass.created.at(-1)
    expect(connector?.constructOptions.viewId).toBe('native-call')
    expect(connector?.calls).toContain('Connect')
  })

  it('through the adapter loading a native build script: UNSUPPORTED', async () => {
    const { issue } = createHarness()
    const page = nativePage()
    const adapter = createVidyoClientAdapter({ scriptUrl: '/native/VidyoClient.min.js' }, page.host)
    const connecting = adapter.connect(await issue('standup', 'alice'), connectOptions())
    await new Promise((resolve) => setTimeout(resolve, 0))
    page.scripts[0]?.run()
    expect((await rejection(connecting)).code).toBe('UNSUPPORTED')
  })
})
