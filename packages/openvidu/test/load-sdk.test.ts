import { describe, expect, it, vi } from 'vitest'
import { createOpenViduClientAdapter } from '../src/client/openvidu-client-adapter'
import { loadOpenViduBrowser } from '../src/client/load-sdk'
import { startClientHarness } from './client-harness'
import { useMswServer } from './msw-server'
import { rejection } from './server-harness'

const msw = useMswServer()

describe('loading openvidu-browser', () => {
  it('imports it only inside connect(), and uses its OpenVidu class', async () => {
    const harness = startClientHarness(msw)
    const importer = vi.fn(async () => ({ OpenVidu: harness.media.OpenVidu }))
    const adapter = createOpenViduClientAdapter({}, importer)
    expect(importer).not.toHaveBeenCalled()
    const token = await harness.tokenFor('standup', 'alice')
    const connection = await adapter.connect(token, { audio: false, video: false, refreshToken: async () => token })
    expect(importer).toHaveBeenCalledTimes(1)
    expect(harness.media.rooms.get('standup')?.size).toBe(1)
    await connection.disconnect()
  })

  it('takes the class from a CommonJS default export too', async () => {
    class OpenVidu {}
    expect(await loadOpenViduBrowser(undefined, async () => ({ default: { OpenVidu } }))).toBe(OpenVidu)
  })

  it('an injected class wins: nothing is imported', async () => {
    class OpenVidu {}
    const importer = vi.fn()
    expect(await loadOpenViduBrowser(OpenVidu as never, importer)).toBe(OpenVidu)
    expect(importer).not.toHaveBeenCalled()
  })

  it('a missing openvidu-browser is UNSUPPORTED, saying how to fix it', async () => {
    const error = await rejection(
      loadOpenViduBrowser(undefined, async () => Promise.reject(new Error("Cannot find package 'openvidu-browser'"))),
      'UNSUPPORTED',
    )
    expect(error.message).toMatch(/npm install openvidu-browser.*openvidu\(\{ sdk: OpenVidu \}\)/)
    await rejection(
      loadOpenViduBrowser(undefined, async () => ({})),
      'UNSUPPORTED',
    )
  })
})
