import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, launchChromium, requireBrowserMedia } from '@callport/test-environment'
import { build, type Plugin } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer, type DemoServer } from '../../../../apps/demo/src/index'
import { identityOf, joinRoom, listedParticipants, measureRemoteMedia, openDemo } from './demo-page'

// Issue 15 item 14: the signaling server process is killed (SIGKILL) and started again on the same
// port while three Chromium pages are in a call. The media is peer to peer, so the pages keep their
// local media and the peer connections between them, re-join, and change only what changed.
// Chromium, inside the private loopback-only network the package's test script runs vitest in (private-network).
const chromium = requireBrowserMedia('signaling restart browser test')

const SECRET = 'restart-test-secret-0123456789-abcdefghijklmnopq'
const here = dirname(fileURLToPath(import.meta.url))
const bundled = join(here, '..', '..', 'node_modules', '.cache', 'callport-signaling-test', 'restartable-signaling-server.mjs')

/** Workspace sources are bundled (the `@callport/source` condition); npm packages stay external, at the paths they resolve to. */
const externalNpmPackages: Plugin = {
  name: 'external-npm-packages',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@callport/') || args.pluginData === 'resolving') return undefined
      const resolved = await builder.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolving' })
      return { path: resolved.errors.length > 0 || resolved.path === '' ? args.path : resolved.path, external: true }
    })
  },
}

async function bundleServer(): Promise<void> {
  mkdirSync(dirname(bundled), { recursive: true })
  await build({
    entryPoints: [join(here, 'fixtures', 'restartable-signaling-server.ts')],
    outfile: bundled,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@callport/source'],
    plugins: [externalNpmPackages],
    logLevel: 'error',
  })
}

/** Starts the signaling server process on `port` (127.0.0.1) and waits until it listens. */
function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bundled], { env: { ...process.env, SIGNALING_SECRET: SECRET, SIGNALING_PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('the signaling process did not listen within 15 s'))
    }, 15_000)
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (!output.includes('READY ')) return
      clearTimeout(timer)
      resolve(child)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the signaling process exited (${code}) before listening`))
    })
  })
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

interface Recorded {
  getUserMediaCalls: number
  localTrackIds: string[]
  /** setLocalDescription calls that set an offer, on every peer connection of the page. */
  offers: number
}

/** Runs in each page before the demo: counts getUserMedia calls and local offers, and keeps the captured track ids. */
const recordMediaAndOffers = () => {
  const recorded: Recorded = { getUserMediaCalls: 0, localTrackIds: [], offers: 0 }
  ;(window as unknown as { recorded: Recorded }).recorded = recorded
  const devices = navigator.mediaDevices
  const getUserMedia = devices.getUserMedia.bind(devices)
  devices.getUserMedia = async (constraints) => {
    recorded.getUserMediaCalls += 1
    const stream = await getUserMedia(constraints)
    recorded.localTrackIds.push(...stream.getTracks().map((track) => track.id))
    return stream
  }
  const prototype = window.RTCPeerConnection.prototype
  const setLocalDescription = prototype.setLocalDescription
  prototype.setLocalDescription = async function (this: RTCPeerConnection, ...args: Parameters<RTCPeerConnection['setLocalDescription']>) {
    await setLocalDescription.apply(this, args)
    if (this.localDescription?.type === 'offer') recorded.offers += 1
  } as RTCPeerConnection['setLocalDescription']
}

interface PageState {
  getUserMediaCalls: number
  offers: number
  /** Captured tracks: id and readyState. */
  localTracks: { id: string; readyState: string }[]
  /** The track the self-view tile plays. */
  previewTrackId: string | undefined
  /** Every peer connection the page ever created, in order: its state and the tracks it sends and receives. */
  peerConnections: { state: string; sending: (string | undefined)[]; receiving: string[] }[]
  /** Per remote identity: the video track its tile plays. */
  remoteVideo: Record<string, string | undefined>
}

async function stateOf(page: Page): Promise<PageState> {
  return page.evaluate(() => {
    const { recorded, instrumented } = window as unknown as { recorded: Recorded; instrumented: { peerConnections: RTCPeerConnection[] } }
    const videoTrackOf = (video: HTMLVideoElement | null) => (video?.srcObject as MediaStream | null)?.getVideoTracks()[0]
    const captured = new Map<string, MediaStreamTrack>()
    const preview = videoTrackOf(document.querySelector<HTMLVideoElement>('.tile:not([data-remote]) video'))
    for (const connection of instrumented.peerConnections) for (const sender of connection.getSenders()) if (sender.track) captured.set(sender.track.id, sender.track)
    if (preview) captured.set(preview.id, preview)
    const remoteVideo: Record<string, string | undefined> = {}
    for (const tile of document.querySelectorAll<HTMLElement>('.tile[data-remote]')) remoteVideo[tile.dataset.identity ?? ''] = videoTrackOf(tile.querySelector('video'))?.id
    return {
      getUserMediaCalls: recorded.getUserMediaCalls,
      offers: recorded.offers,
      localTracks: recorded.localTrackIds.map((id) => ({ id, readyState: captured.get(id)?.readyState ?? 'not in use' })),
      previewTrackId: preview?.id,
      peerConnections: instrumented.peerConnections.map((connection) => ({
        state: connection.connectionState,
        sending: connection.getSenders().map((sender) => sender.track?.id),
        receiving: connection.getReceivers().map((receiver) => receiver.track.id),
      })),
      remoteVideo,
    }
  })
}

/** Log lines of an event, as text ("Bob", "Bob video"…). */
async function logged(page: Page, event: string): Promise<string[]> {
  // An item reads "<time> <event> <detail>".
  const lines = await page.$$eval(`#log li[data-event="${event}"]`, (items) => items.map((item) => item.textContent ?? ''))
  return lines.map((line) => line.slice(line.indexOf(`${event} `) + event.length + 1))
}

async function waitForLogged(page: Page, event: string, count = 1): Promise<void> {
  await page.waitForFunction(
    ({ name, wanted }) => document.querySelectorAll(`#log li[data-event="${name}"]`).length >= wanted,
    { name: event, wanted: count },
    { timeout: 30_000 },
  )
}

describe.skipIf(!chromium.available)('a signaling server restart during a call', { timeout: 120_000, meta: { skipReason: chromium.skipReason } }, () => {
  let port: number
  let server: ChildProcess | undefined
  let demo: DemoServer
  let browser: Browser

  beforeAll(async () => {
    ;[port] = await Promise.all([freePort(), bundleServer()])
    server = await startServer(port)
    ;[demo, browser] = await Promise.all([
      // The demo's call server issues tokens for the signaling process (same secret, its URL).
      startDemoServer({ port: 0, environment: { CALLPORT_SIGNALING_SECRET: SECRET, CALLPORT_SIGNALING_URL: `http://127.0.0.1:${port}` } }),
      launchChromium({ args: ['--autoplay-policy=no-user-gesture-required'] }),
    ])
  }, 60_000)
  afterAll(async () => {
    await Promise.all([browser?.close(), demo?.close(), kill(server)])
  }, 30_000)

  it('keeps local media and surviving peer connections, removes the peer that left meanwhile, and sends no new offer', async () => {
    const room = `restart-${Date.now().toString(36)}`
    const pages: Page[] = []
    for (const name of ['Alice', 'Bob', 'Carol']) {
      const page = await openDemo(browser, demo.url, recordMediaAndOffers)
      pages.push(page)
      await joinRoom(page, name, room)
    }
    const [alice, bob, carol] = pages as [Page, Page, Page]
    const [aliceIdentity, bobIdentity, carolIdentity] = (await Promise.all(pages.map(identityOf))) as [string, string, string]
    await Promise.all([
      measureRemoteMedia(alice, bobIdentity, { frames: 1, audioPackets: 0 }),
      measureRemoteMedia(bob, aliceIdentity, { frames: 1, audioPackets: 0 }),
      measureRemoteMedia(alice, carolIdentity, { frames: 1, audioPackets: 0 }),
      measureRemoteMedia(bob, carolIdentity, { frames: 1, audioPackets: 0 }),
    ])
    // Negotiation settles (both sides stable) before the snapshot of the offers made so far.
    await Promise.all(
      [alice, bob].map((page) =>
        page.waitForFunction(() =>
          (window as unknown as { instrumented: { peerConnections: RTCPeerConnection[] } }).instrumented.peerConnections.every(
            (connection) => connection.signalingState === 'stable' && connection.connectionState === 'connected',
          ),
        ),
      ),
    )
    const before = { alice: await stateOf(alice), bob: await stateOf(bob) }
    const joinedBefore = { alice: await logged(alice, 'participant-joined'), bob: await logged(bob, 'participant-joined') }
    for (const state of Object.values(before)) {
      expect(state.getUserMediaCalls).toBe(1)
      expect(state.peerConnections).toHaveLength(2)
    }

    await kill(server)
    await Promise.all([waitForLogged(alice, 'reconnecting'), waitForLogged(bob, 'reconnecting'), waitForLogged(carol, 'reconnecting')])
    // Carol leaves while there is no signaling server: only her peer connections can tell.
    await carol.click('#leave')
    await carol.waitForFunction(() => document.getElementById('state')?.textContent === 'disconnected')
    server = await startServer(port)
    await Promise.all([waitForLogged(alice, 'reconnected'), waitForLogged(bob, 'reconnected')])

    // Carol is gone for both; Bob and Alice never left each other.
    for (const [page, other] of [
      [alice, bobIdentity],
      [bob, aliceIdentity],
    ] as const) {
      await page.waitForFunction(
        (identity) => [...document.querySelectorAll('#participants li')].every((item) => (item as HTMLElement).dataset.identity !== identity),
        carolIdentity,
        {
          timeout: 20_000,
        },
      )
      expect(await listedParticipants(page)).toEqual([other])
      expect(await logged(page, 'participant-left')).toEqual(['Carol'])
      expect((await logged(page, 'track-unsubscribed')).every((line) => line.startsWith('Carol '))).toBe(true)
      expect(await logged(page, 'disconnected')).toEqual([])
    }
    // Media keeps flowing both ways, on the same remote tracks.
    const [bobSeenByAlice, aliceSeenByBob] = await Promise.all([measureRemoteMedia(alice, bobIdentity), measureRemoteMedia(bob, aliceIdentity)])
    for (const media of [bobSeenByAlice, aliceSeenByBob]) {
      expect(media.frames).toBeGreaterThan(5)
      expect(media.audioPackets).toBeGreaterThan(20)
    }

    // (A loaded machine's ICE may flap to disconnected for a moment: wait for connected, don't sample.)
    await Promise.all(
      [alice, bob].map((page) =>
        page.waitForFunction(() =>
          (window as unknown as { instrumented: { peerConnections: RTCPeerConnection[] } }).instrumented.peerConnections.every((connection) =>
            ['connected', 'closed'].includes(connection.connectionState),
          ),
        ),
      ),
    )
    const after = { alice: await stateOf(alice), bob: await stateOf(bob) }
    for (const name of ['alice', 'bob'] as const) {
      const [was, is] = [before[name], after[name]]
      const other = name === 'alice' ? bobIdentity : aliceIdentity
      // The same capture: no new getUserMedia, the same local tracks, still live, still previewed.
      expect(is.getUserMediaCalls).toBe(1)
      expect(is.localTracks).toEqual(was.localTracks)
      expect(is.localTracks.map(({ readyState }) => readyState)).toEqual(['live', 'live'])
      expect(is.previewTrackId).toBe(was.previewTrackId)
      // No peer connection created: the one to the survivor (the one receiving its video) is the
      // same object, still connected, sending the same tracks; the one to Carol is closed.
      const survivor = was.peerConnections.findIndex(({ receiving }) => receiving.includes(was.remoteVideo[other] ?? 'none'))
      expect(survivor).toBeGreaterThanOrEqual(0)
      expect(is.peerConnections).toHaveLength(was.peerConnections.length)
      expect(is.peerConnections.map(({ state }) => state)).toEqual(was.peerConnections.map((_, index) => (index === survivor ? 'connected' : 'closed')))
      expect(is.peerConnections[survivor]).toEqual(was.peerConnections[survivor])
      expect(is.remoteVideo[other]).toBe(was.remoteVideo[other])
      // Nothing to renegotiate between two working peer connections: no offer at all.
      expect(is.offers).toBe(was.offers)
      // And nobody was announced again.
      expect(await logged(name === 'alice' ? alice : bob, 'participant-joined')).toEqual(joinedBefore[name])
    }
  })
})
