import { chromium, type Browser, type LaunchOptions } from 'playwright-core'
import { findTool } from './tools'

/** Flags for Debian's headless chromium with a fake camera and microphone, on a machine with no network. */
export const chromiumArguments = [
  '--no-sandbox',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu',
  '--disable-quic',
  // Media tests run in a namespace whose only interface is lo (bin/private-network.mjs): WebRTC needs loopback candidates.
  '--allow-loopback-in-peer-connection',
]

/** Launches Debian's chromium through playwright-core (never a downloaded browser). */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const tool = findTool('chromium')
  if (!tool.path) throw new Error(`chromium not found — ${tool.hint}`)
  return chromium.launch({ executablePath: tool.path, headless: true, ...options, args: [...chromiumArguments, ...(options.args ?? [])] })
}
