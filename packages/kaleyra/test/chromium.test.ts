import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { launchChromium, requireTool } from '@callport/test-environment'
import { build } from 'esbuild'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { kaleyra } from '../src/client/index'
import { fakeWidgetScript } from './fake-widget-script'
import { createTokenIssuer } from './tokens'

const chromium = requireTool('chromium', '@callport/kaleyra client in Chromium')

const widgetPath = '/cdn/sdk/js/chat/2.7.5/bandyer-widget.min.js'
type PageWindow = { callportKaleyra: typeof kaleyra; widgetCalls: string[] }

describe.skipIf(!chromium.available)('the kaleyra client half in Chromium (fake camera and microphone)', { meta: { skipReason: chromium.skipReason } }, () => {
  const issuer = createTokenIssuer()
  let server: Server
  let browser: Browser
  let origin: string

  beforeAll(async () => {
    issuer.listen()
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('../src/client/index.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['@callport/source'],
      write: false,
    })
    const files = new Map<string, [type: string, body: string]>([
      ['/', ['text/html', '<!doctype html><script type="module">import { kaleyra } from "/kaleyra.js"; window.callportKaleyra = kaleyra</script>']],
      ['/kaleyra.js', ['text/javascript', bundle.outputFiles[0]?.text ?? '']],
      [widgetPath, ['text/javascript', fakeWidgetScript]],
    ])
    server = createServer((request, response) => {
      const file = files.get(new URL(request.url ?? '/', 'http://127.0.0.1').pathname)
      response.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' }).end(file?.[1] ?? '')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => server?.close(resolve))
    issuer.close()
  })

  it('loads the widget script on connect only, switches the captured tracks, and can leave and join again', async () => {
    const tokens = [await issuer.issue('standup', 'alice'), await issuer.issue('standup', 'alice')]
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] })
    try {
      const tab = await context.newPage()
      await tab.goto(origin)
      await tab.waitForFunction(() => 'callportKaleyra' in window)
      const outcome = await tab.evaluate(
        async ({ tokens, widgetUrl }) => {
          const page = window as unknown as PageWindow & { widgetStream?: MediaStream }
          const scripts = () => [...document.scripts].filter((script) => script.src).map((script) => new URL(script.src).pathname)
          const tracks = () =>
            page.widgetStream
              ?.getTracks()
              .map((track) => `${track.kind}:${track.enabled}`)
              .sort() ?? []
          const adapter = page.callportKaleyra({ widgetUrl })
          const refreshToken = () => Promise.reject(new Error('unused'))
          const scriptsBefore = scripts()
          const first = await adapter.connect(tokens[0]!, { audio: false, video: true, refreshToken })
          const atJoin = tracks()
          await first.setCameraEnabled(false)
          await first.setMicrophoneEnabled(true)
          const afterSwitch = tracks()
          await first.disconnect()
          const restored = navigator.mediaDevices.getUserMedia === MediaDevices.prototype.getUserMedia
          const second = await adapter.connect(tokens[1]!, { audio: true, video: true, refreshToken })
          const rejoined = tracks()
          await second.disconnect()
          return { scriptsBefore, scriptsAfter: scripts(), atJoin, afterSwitch, restored, rejoined, calls: page.widgetCalls }
        },
        { tokens, widgetUrl: `${origin}${widgetPath}` },
      )
      expect(outcome.scriptsBefore).toEqual([])
      expect(outcome.scriptsAfter).toEqual([widgetPath])
      expect(outcome.atJoin).toEqual(['audio:false', 'video:true'])
      expect(outcome.afterSwitch).toEqual(['audio:true', 'video:false'])
      expect(outcome.restored).toBe(true)
      expect(outcome.rejoined).toEqual(['audio:true', 'video:true'])
      expect(outcome.calls).toEqual([
        'configure wAppId_client audio_video',
        'connect alice',
        'joinCallURL sandbox.bandyer.com',
        'disconnect',
        'destroyClient',
        'configure wAppId_client audio_video',
        'connect alice',
        'joinCallURL sandbox.bandyer.com',
        'disconnect',
        'destroyClient',
      ])
    } finally {
      await context.close()
    }
  })
})
