import type { Page } from 'playwright-core'
import { expect } from 'vitest'

// Steps on the demo page shared by its Chromium tests (the built-in provider's and Janus's).

/** Fills the pre-join form, joins, and answers the identity the page was given once connected. */
export async function join(page: Page, name: string, room: string): Promise<string> {
  await page.fill('#name', name)
  await page.fill('#room', room)
  await page.click('#join')
  await page.waitForFunction(() => document.getElementById('state')?.textContent === 'connected')
  return (await page.textContent('#identity')) ?? ''
}

/** Waits until `selector`'s video has presented `frames` frames (requestVideoFrameCallback): it plays. Fails after 30 s. */
export async function waitForPlayingVideo(page: Page, selector: string, frames = 2): Promise<void> {
  const presented = await page.evaluate(
    async ([video, wanted]) => {
      const deadline = performance.now() + 30_000
      let element = document.querySelector<HTMLVideoElement>(video)
      while ((!element || element.videoWidth === 0) && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        element = document.querySelector<HTMLVideoElement>(video)
      }
      if (!element) return -1
      let seen = 0
      const count = () => {
        seen += 1
        element.requestVideoFrameCallback(count)
      }
      element.requestVideoFrameCallback(count)
      while (seen < wanted && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
      return seen
    },
    [selector, frames] as const,
  )
  expect(presented, `frames presented by ${selector}`).toBeGreaterThanOrEqual(frames)
}

/** The video of `identity`'s camera tile (not a screen share). */
export const tileVideo = (identity: string) => `.tile[data-identity="${identity}"]:not([data-screen]) video`
