import type { Browser, Page } from 'playwright-core'

/** What a remote tile shows, measured in the page. */
export interface RemoteMedia {
  videoWidth: number
  /** Video frames presented during the measurement (requestVideoFrameCallback). */
  frames: number
  /** Audio RTP packets the page's peer connections received during the measurement. */
  audioPackets: number
}

interface Instrumented {
  peerConnections: RTCPeerConnection[]
  iceRestarts: number
}

/**
 * Test instrumentation, run in every page before the demo's script: keeps the peer connections the
 * page creates (for their statistics) and counts calls to `restartIce`. The demo itself is unchanged.
 */
const instrumentPeerConnections = () => {
  const Original = window.RTCPeerConnection
  const instrumented: Instrumented = { peerConnections: [], iceRestarts: 0 }
  ;(window as unknown as { instrumented: Instrumented }).instrumented = instrumented
  class Recorded extends Original {
    constructor(configuration?: RTCConfiguration) {
      super(configuration)
      instrumented.peerConnections.push(this)
    }
    override restartIce(): void {
      instrumented.iceRestarts += 1
      super.restartIce()
    }
  }
  window.RTCPeerConnection = Recorded
}

/** The demo page in a fresh browser context (its own cookies and session storage), with `initScript` run before the demo's too. */
export async function openDemo(browser: Browser, url: string, initScript?: () => void): Promise<Page> {
  const context = await browser.newContext()
  await context.addInitScript(instrumentPeerConnections)
  if (initScript) await context.addInitScript(initScript)
  const page = await context.newPage()
  if (process.env.CALLPORT_DEBUG_PAGES) page.on('console', (message) => console.log(`[page] ${message.type()} ${message.text()}`))
  await page.goto(url)
  return page
}

export async function joinRoom(page: Page, name: string, room: string): Promise<void> {
  await page.fill('#name', name)
  await page.fill('#room', room)
  await page.click('#join')
  await page.waitForFunction(() => document.getElementById('state')?.textContent === 'connected')
}

export async function identityOf(page: Page): Promise<string> {
  return (await page.textContent('#identity')) ?? ''
}

/** Events of the page's log, oldest first. */
export async function loggedEvents(page: Page): Promise<string[]> {
  return page.$$eval('#log li', (items) => items.map((item) => (item as HTMLElement).dataset.event ?? '').reverse())
}

export async function listedParticipants(page: Page): Promise<string[]> {
  return page.$$eval('#participants li', (items) => items.map((item) => (item as HTMLElement).dataset.identity ?? ''))
}

export async function iceRestarts(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { instrumented: Instrumented }).instrumented.iceRestarts)
}

/** How much media `measureRemoteMedia` waits for. */
export interface MediaExpectation {
  /** Video frames presented. Default 6. */
  frames?: number
  /** Audio RTP packets received. Default 21 (Opus sends 50 a second). */
  audioPackets?: number
}

/**
 * Waits until the tile of `identity` plays video, then until it has presented `frames` frames and
 * the page has received `audioPackets` audio packets, and returns what it counted (less than
 * expected only when 15 s were not enough). Waiting for amounts rather than measuring for a fixed
 * time keeps a slow machine from failing the test.
 */
export async function measureRemoteMedia(page: Page, identity: string, expected: MediaExpectation = {}): Promise<RemoteMedia> {
  const selector = `.tile[data-identity="${identity}"]`
  await page.waitForFunction((tile) => (document.querySelector<HTMLVideoElement>(`${tile} video`)?.videoWidth ?? 0) > 0, selector, { timeout: 15_000 })
  return page.evaluate(
    async ({ tile, frames: wantedFrames, audioPackets: wantedPackets }) => {
      const video = document.querySelector<HTMLVideoElement>(`${tile} video`)!
      const audioPackets = async () => {
        let total = 0
        for (const connection of (window as unknown as { instrumented: Instrumented }).instrumented.peerConnections) {
          ;(await connection.getStats()).forEach((report: { type: string; kind?: string; packetsReceived?: number }) => {
            if (report.type === 'inbound-rtp' && report.kind === 'audio') total += report.packetsReceived ?? 0
          })
        }
        return total
      }
      const audioBefore = await audioPackets()
      let frames = 0
      const count = () => {
        frames += 1
        video.requestVideoFrameCallback(count)
      }
      video.requestVideoFrameCallback(count)
      const deadline = performance.now() + 15_000
      let received = 0
      while (performance.now() < deadline) {
        received = (await audioPackets()) - audioBefore
        if (frames >= wantedFrames && received >= wantedPackets) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return { videoWidth: video.videoWidth, frames, audioPackets: received }
    },
    { tile: selector, frames: expected.frames ?? 6, audioPackets: expected.audioPackets ?? 21 },
  )
}
