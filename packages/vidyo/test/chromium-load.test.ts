import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { launchChromium, requireTool } from '@callport/test-environment'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleClient } from './client-bundle'
import { fakeVidyoClientScript } from './fake-vidyo-client-script'
import { account, createHarness } from './vidyo-harness'

const chromium = requireTool('chromium', '@callport/vidyo client in Chromium')

/** The page imports the adapter at once; VidyoClient.js must wait for the first connect. */
const page = `<!doctype html><meta charset="utf-8"><title>vidyo</title><div class="call"></div>
<script type="module">import { vidyo } from '/vidyo-client.js'; window.callportVidyo = vidyo</script>`

type PageWindow = { callportVidyo: typeof import('../src/client/index').vidyo; vidyoCalls: unknown[] }

describe.skipIf(!chromium.available)('the vidyo client half in Chromium', { meta: { skipReason: chromium.skipReason } }, () => {
  let server: Server
  let browser: Browser
  let origin: string

  beforeAll(async () => {
    const { code } = await bundleClient()
    server = createServer((request, response) => {
      const routes: Record<string, [string, string]> = {
        '/': ['text/html', page],
        '/vidyo-client.js': ['text/javascript', code],
        '/sdk/VidyoClient.js': ['text/javascript', fakeVidyoClientScript],
      }
      const route = routes[new URL(request.url ?? '/', 'http://127.0.0.1').pathname]
      response.writeHead(route ? 200 : 404, { 'content-type': route?.[0] ?? 'text/plain' })
      response.end(route?.[1] ?? 'not found')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => server?.close(resolve))
  })

  it('loads VidyoClient.js only on connect, renders into the container and connects with the token', async () => {
    const token = await createHarness().issue('weekly-sync', { identity: 'alice', name: 'Alice', role: 'publisher' })
    const context = await browser.newContext()
    try {
      const tab = await context.newPage()
      await tab.goto(origin)
      await tab.waitForFunction(() => 'callportVidyo' in window)
      const outcome = await tab.evaluate(
        async ({ token }) => {
          const adapter = (window as unknown as PageWindow).callportVidyo({ scriptUrl: '/sdk/VidyoClient.js?webrtc=true' })
          const sources = (): string[] => [...document.scripts].filter((script) => script.src).map((script) => new URL(script.src).pathname + new URL(script.src).search)
          const scriptsBefore = sources()
          const container = document.querySelector<HTMLElement>('.call')!
          const connection = await adapter.connect(token, { audio: false, video: true, container, refreshToken: () => Promise.resolve(token) })
          const scripts = sources()
          await connection.disconnect()
          return {
            scriptsBefore,
            scripts,
            containerId: container.id,
            local: connection.localParticipant,
            calls: (window as unknown as PageWindow).vidyoCalls,
          }
        },
        { token },
      )
      expect(outcome.scriptsBefore).toEqual([])
      expect(outcome.scripts).toEqual(['/sdk/VidyoClient.js?webrtc=true&onload=onVidyoClientLoaded'])
      expect(outcome.containerId).toMatch(/^callport-vidyo-view-/)
      expect(outcome.local).toEqual({ identity: 'alice', name: 'Alice', role: 'publisher' })
      expect(outcome.calls).toEqual([
        { method: 'CreateVidyoConnector', viewId: outcome.containerId, viewFound: true },
        { method: 'RegisterParticipantEventListener', argument: {} },
        { method: 'RegisterLocalCameraEventListener', argument: {} },
        { method: 'RegisterLocalMicrophoneEventListener', argument: {} },
        { method: 'RegisterLocalSpeakerEventListener', argument: {} },
        { method: 'SetCameraPrivacy', argument: { privacy: false } },
        { method: 'SetMicrophonePrivacy', argument: { privacy: true } },
        { method: 'Connect', host: account.host, token: token.value, resourceId: 'weeklyZhsync', displayName: 'Alice' },
        { method: 'Disconnect' },
      ])
    } finally {
      await context.close()
    }
  })
})
