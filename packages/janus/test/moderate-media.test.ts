import { addLoopbackMediaInterface, launchChromium, requireBrowserMedia, requireTool, startJanus, type JanusServer } from '@callport/test-environment'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { encodeJanusDisplay, splitJanusTokenValue } from '../src/shared/connect-parameters'
import { janus, type JanusServerAdapter } from '../src/server/index'

// muteParticipant needs a publisher whose media flows (VideoRoom lists only started publishers'
// streams), so a headless Chromium page publishes its fake microphone and camera over the raw Janus
// HTTP API (no janus.js), with a token issued by the server half, inside the private network.
const media = requireBrowserMedia('janus moderation test')
const janusTool = requireTool('janus', 'janus moderation test')
const secret = 'janus-moderation-secret-0123456789'

interface Published {
  /** mid → kind of the page's sending transceivers. */
  mids: Record<string, string>
}

declare global {
  interface Window {
    janusEvents: Record<string, unknown>[]
  }
}

/** Runs in the page: joins as a publisher with the tokens and publishes audio and video; resolves once ICE connects. */
async function publish({ url, core, roomToken, room, display }: { url: string; core: string; roomToken: string; room: number; display: string }): Promise<Published> {
  const post = async (path: string, body: Record<string, unknown>) =>
    (await (await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify({ transaction: Math.random().toString(36).slice(2), token: core, ...body }) })).json()) as {
      data?: { id: number }
    }
  const session = (await post('', { janus: 'create' })).data!.id
  const handle = (await post(`/${session}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' })).data!.id
  const events: Record<string, unknown>[] = []
  window.janusEvents = events
  void (async () => {
    for (;;) {
      const body = (await (await fetch(`${url}/${session}?maxev=10&token=${encodeURIComponent(core)}`)).json()) as Record<string, unknown> | Record<string, unknown>[]
      for (const message of Array.isArray(body) ? body : [body]) events.push(message)
    }
  })()
  await post(`/${session}/${handle}`, { janus: 'message', body: { request: 'join', ptype: 'publisher', room, display, token: roomToken } })
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true })
  const connection = new RTCPeerConnection({ iceServers: [] })
  for (const track of stream.getTracks()) connection.addTrack(track, stream)
  await connection.setLocalDescription(await connection.createOffer())
  await new Promise<void>((resolve) => {
    if (connection.iceGatheringState === 'complete') resolve()
    connection.addEventListener('icegatheringstatechange', () => connection.iceGatheringState === 'complete' && resolve())
  })
  await post(`/${session}/${handle}`, { janus: 'message', body: { request: 'configure', audio: true, video: true }, jsep: connection.localDescription!.toJSON() })
  const deadline = Date.now() + 10_000
  let answer: RTCSessionDescriptionInit | undefined
  while (!answer && Date.now() < deadline) {
    answer = events.map((event) => event.jsep as RTCSessionDescriptionInit | undefined).find((jsep) => jsep?.type === 'answer')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  if (!answer) throw new Error(`no answer: ${JSON.stringify(events)}`)
  await connection.setRemoteDescription(answer)
  while (connection.connectionState !== 'connected' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  if (connection.connectionState !== 'connected') throw new Error(`not connected: ${connection.connectionState}`)
  return { mids: Object.fromEntries(connection.getTransceivers().map((transceiver) => [transceiver.mid!, transceiver.sender.track!.kind])) }
}

describe.skipIf(!media.available || !janusTool.available)(
  'muteParticipant on a publisher whose media flows through Janus',
  { timeout: 60_000, meta: { skipReason: media.available ? janusTool.skipReason : media.skipReason } },
  () => {
    let server: JanusServer
    let browser: Browser
    let adapter: JanusServerAdapter
    let page: Page
    beforeAll(async () => {
      const iceEnforceList = addLoopbackMediaInterface()
      ;[server, browser] = await Promise.all([startJanus({ tokenAuthSecret: secret, interface: '127.0.0.1', iceEnforceList }), launchChromium()])
      adapter = janus({ url: server.url, tokenSecret: secret, environmentVariables: {} })
      page = await (await browser.newContext()).newPage()
      // A page on 127.0.0.1 is a secure context (getUserMedia), and Janus's origin.
      await page.goto(`${server.url}/info`)
    }, 60_000)
    afterAll(async () => {
      await page?.context().close()
      await browser?.close()
      await server?.stop()
    }, 30_000)

    it('moderates each stream of the kind (VideoRoom tells the page "muted" with its mid), again without error', async () => {
      const room = await adapter.ensureRoom({ name: 'moderated' })
      const token = await adapter.issueToken({ room, participant: { identity: 'ann', role: 'publisher' }, ttlSeconds: 600 })
      const { core, room: roomToken } = splitJanusTokenValue(token.value)!
      const { mids } = await page.evaluate(publish, { url: server.url, core, roomToken, room: Number(token.connect.room), display: encodeJanusDisplay({ identity: 'ann' }) })
      expect(Object.values(mids).sort()).toEqual(['audio', 'video'])
      const moderated = async () =>
        (await page.evaluate(() => window.janusEvents))
          .map((message) => (message.plugindata as { data?: Record<string, unknown> } | undefined)?.data)
          .filter((data) => data?.moderation !== undefined)
          .map((data) => ({ mid: data!.mid as string, moderation: data!.moderation }))

      await vi.waitFor(async () => expect((await adapter.listParticipants({ room })).map((entry) => entry.identity)).toEqual(['ann']))
      await adapter.muteParticipant({ room, identity: 'ann', kind: 'audio' })
      await vi.waitFor(async () => expect(await moderated()).toEqual([{ mid: Object.keys(mids).find((mid) => mids[mid] === 'audio'), moderation: 'muted' }]))
      await adapter.muteParticipant({ room, identity: 'ann', kind: 'video' })
      await vi.waitFor(async () => expect((await moderated()).map((event) => mids[event.mid])).toEqual(['audio', 'video']))
      await adapter.muteParticipant({ room, identity: 'ann', kind: 'audio' })
    })
  },
)
