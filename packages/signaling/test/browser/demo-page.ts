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

/** The demo page in a fresh browser context (its own cookies and session storage). */
export async function openDemo(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext()
  await context.addInitScript(instrumentPeerConnections)
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

/**
 * Waits until the tile of `identity` plays video, then counts the frames it presents during
 * `milliseconds`.
 */
export async function measureRemoteMedia(page: Page, identity: string, milliseconds = 1000): Promise<RemoteMedia> {
  const selector = `.tile[data-identity="${identity}"]`
  await page.waitForFunction((tile) => (document.querySelector<HTMLVideoElement>(`${tile} video`)?.videoWidth ?? 0) > 0, selector, { timeout: 15_000 })
  return page.evaluate(
    async ({ tile, duration }) => {
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
      await new Promise((resolve) => setTimeout(resolve, duration))
      return { videoWidth: video.videoWidth, frames, audioPackets: (await audioPackets()) - audioBefore }
    },
    { tile: selector, duration: milliseconds },
  )
}
